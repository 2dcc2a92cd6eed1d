// The lab's drawing with lesson 11's pair: slave1 and slave2 subscribed to each other besides their subscriptions
// to master. Before the arrows between followers had lanes of their own, both layouts drew their labels on top
// of the labels of master's arrows, and the wide layout's arrows ran through the followers' boxes.
import { describe, expect, it } from "vitest";
import type { LabStatus, NodeName, ReplicationLink } from "../../shared/api-types.ts";
import { NODE_NAMES } from "../../shared/api-types.ts";
import { drawLab } from "../../src/lib/lab-diagram/draw.ts";

function link(subscriber: NodeName, name: string, publisher: NodeName, bytesBehind: number | null): ReplicationLink {
  return { subscriber, name, publisher, publications: [], slot: name, state: "streaming", detail: "", bytesBehind };
}

const pair: LabStatus = {
  mode: "embedded",
  nodes: NODE_NAMES.map((name, i) => ({
    name,
    state: "up",
    version: "18.4",
    host: "127.0.0.1",
    port: 54321 + i,
    walLevel: "logical",
    conninfo: "",
  })),
  replication: {
    publications: [],
    slots: [],
    links: [
      link("slave1", "usersub", "master", 0),
      link("slave2", "usersub", "master", 0),
      link("slave3", "usersub3", "master", 0),
      link("slave2", "from_slave1", "slave1", null),
      link("slave1", "from_slave2", "slave2", null),
    ],
  },
} as LabStatus;

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Each label's area, from its anchor and its longer line, at the drawing's 12-unit type (about 7 units a letter). */
function labels(svg: string): Rect[] {
  const found = svg.matchAll(
    /<text x="([\d.-]+)" y="([\d.-]+)" text-anchor="(\w+)" class="lab-diagram__label">(.*?)<\/text>/g,
  );
  return [...found].map(([, x, y, anchor, inner]) => {
    const longest = Math.max(...[...inner!.matchAll(/<tspan[^>]*>(.*?)<\/tspan>/g)].map((line) => line[1]!.length));
    const w = longest * 7;
    const left = anchor === "end" ? Number(x) - w : anchor === "middle" ? Number(x) - w / 2 : Number(x);
    return { x: left, y: Number(y) - 12, w, h: 30 };
  });
}

function boxes(svg: string): Rect[] {
  return [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)].map(
    ([, x, y, w, h]) => ({ x: Number(x), y: Number(y), w: Number(w), h: Number(h) }),
  );
}

/** The arrows' horizontal pieces, as rectangles of no height. */
function horizontals(svg: string): Rect[] {
  return [...svg.matchAll(/<path d="([^"]+)"/g)].flatMap(([, path]) => {
    const points = [...path!.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    return points.slice(1).flatMap(([x, y], i) => {
      const [px, py] = points[i]!;
      return py === y ? [{ x: Math.min(px, x), y, w: Math.abs(x - px), h: 0.01 }] : [];
    });
  });
}

const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe("the lab's drawing with two followers subscribed to each other", () => {
  for (const width of [720, 560, 320]) {
    it(`keeps every arrow's label clear of the others', the boxes and the level lines, ${width} units wide`, () => {
      const svg = drawLab(pair, { width, compact: true, id: "t", label: "" });
      const all = labels(svg);
      expect(all).toHaveLength(5);
      for (const [i, a] of all.entries()) {
        for (const b of all.slice(i + 1)) expect(overlap(a, b), JSON.stringify([a, b])).toBe(false);
        for (const box of boxes(svg)) expect(overlap(a, box), JSON.stringify([a, box])).toBe(false);
        for (const line of horizontals(svg)) expect(overlap(a, line), JSON.stringify([a, line])).toBe(false);
      }
    });
  }

  it("names the publisher of an arrow between followers, whose slot master can't measure", () => {
    const svg = drawLab(pair, { width: 720, compact: true, id: "t", label: "" });
    expect(svg).toContain(">from slave1</tspan>");
    expect(svg).toContain(">from slave2</tspan>");
    expect(svg).not.toContain("? behind");
  });

  it("draws the wide layout's arrows between followers under the row, through no box", () => {
    const svg = drawLab(pair, { width: 720, compact: true, id: "t", label: "" });
    const rowBottom = Math.max(...boxes(svg).map((box) => box.y + box.h));
    const peerPaths = [...svg.matchAll(/data-subscription="from_slave\d"[^]*?<path d="([^"]+)"/g)].map((m) => m[1]!);
    expect(peerPaths).toHaveLength(2);
    for (const path of peerPaths) {
      const ys = [...path.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
      expect(Math.max(...ys)).toBeGreaterThan(rowBottom);
      expect(Math.min(...ys)).toBeGreaterThanOrEqual(rowBottom - 2);
    }
  });
});
