// The lab's picture as SVG: master with its publications and slots, the followers, and each subscription as an
// arrow from its publisher, its state in colour, sign, dash and words, and its slot's bytes behind. Two layouts:
// wide (master above, the followers in a row) and narrow (the followers in a column, arrows off a trunk on the
// left), for a lesson's width, a phone or the sidebar. Colours are CSS classes (lab.css), on Starlight's
// variables, so light and dark both read.
import type { LabStatus, NodeName, NodeStatus, ReplicationLink } from "../../../shared/api-types.ts";
import { LINK_STATES, NODE_NAMES, type LinkState } from "../../../shared/api-types.ts";
import { bytes, linkLabel, nodeWord, publicationLine, slotLine } from "./words.ts";

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DrawOptions {
  /** Width of the drawing in SVG units: at least 560 draws the wide layout (a lesson, the lab page's panel). */
  width: number;
  /** The status panel's form: nodes and arrows, without master's publications and slots. */
  compact: boolean;
  /** Unique on the page: the arrowheads' ids start with it. */
  id: string;
  /** The text alternative, the drawing's accessible name. */
  label: string;
}

const LINE = 17;
const NODE_H = 46;

const escape = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

const text = (x: number, y: number, words: string, cls: string, anchor = "start") =>
  `<text x="${x}" y="${y}" class="${cls}" text-anchor="${anchor}">${escape(words)}</text>`;

function nodeBox(node: NodeStatus | undefined, name: NodeName, box: Box, lines: string[]): string {
  const state = node?.state ?? "unknown";
  return (
    `<g class="lab-diagram__node" data-box="${name}" data-node-state="${state}">` +
    `<rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" rx="8"/>` +
    text(box.x + 10, box.y + 19, name, "lab-diagram__name") +
    text(box.x + box.w - 10, box.y + 19, nodeWord(node), "lab-diagram__state", "end") +
    lines.map((line, i) => text(box.x + 10, box.y + 19 + LINE * (i + 1), line, "lab-diagram__detail")).join("") +
    `</g>`
  );
}

/** An arrow along `points`, its label (two lines) at `at`, anchored as given. */
function arrow(
  id: string,
  link: ReplicationLink,
  points: [number, number][],
  at: [number, number],
  anchor: string,
  roomy: boolean,
): string {
  const path = points.map(([x, y], i) => `${i === 0 ? "M" : "L"}${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
  const [x, y] = at;
  // A publisher outside the lab has no slot on master to measure: the arrow says where it comes from instead,
  // where there is room for it (the wide layout).
  const second = link.publisher || !roomy ? bytes(link.bytesBehind) : "from outside the lab";
  return (
    `<g class="lab-diagram__link" data-subscriber="${link.subscriber}" data-subscription="${escape(link.name)}" ` +
    `data-link-state="${link.state}"><title>${escape(`${link.name}: ${link.detail}`)}</title>` +
    `<path d="${path}" marker-end="url(#${id}-${link.state})"/>` +
    `<text x="${x}" y="${y}" text-anchor="${anchor}" class="lab-diagram__label">` +
    `<tspan x="${x}" class="lab-diagram__word">${escape(linkLabel(link))}</tspan>` +
    `<tspan x="${x}" dy="14">${escape(second)}</tspan></text></g>`
  );
}

/** An arrowhead per state: a marker takes no colour from the line that uses it. */
const head = (id: string, state: LinkState) =>
  `<marker id="${id}-${state}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" ` +
  `orient="auto"><path d="M0,0 L10,5 L0,10 z" class="lab-diagram__head" data-link-state="${state}"/></marker>`;

/** Master's lines inside its box: its publications and slots (the full drawing only). */
function masterLines(status: LabStatus | null, compact: boolean): string[] {
  const picture = status?.replication;
  if (compact || !picture) return [];
  const lines = [...picture.publications.map(publicationLine), ...picture.slots.map(slotLine)];
  return lines.length > 0 ? lines : ["no publication, no slot"];
}

export function drawLab(status: LabStatus | null, { width, compact, id, label }: DrawOptions): string {
  const wide = width >= 560;
  const nodes = new Map(status?.nodes.map((node) => [node.name, node]));
  const links = status?.replication?.links ?? [];
  const [masterName, ...followers] = NODE_NAMES;
  const lines = masterLines(status, compact);
  const master: Box = wide
    ? { x: width / 2 - 170, y: 4, w: 340, h: NODE_H - 16 + LINE * lines.length }
    : { x: 4, y: 4, w: width - 8, h: NODE_H - 16 + LINE * lines.length };
  const boxes = new Map<NodeName, Box>([[masterName, master]]);
  const top = master.y + master.h;
  followers.forEach((name, i) => {
    const box: Box = wide
      ? { x: 4 + i * ((width - 8) / 3) + 6, y: top + 120, w: (width - 8) / 3 - 12, h: NODE_H - 16 }
      : { x: width * 0.45, y: top + 26 + i * 64, w: width * 0.55 - 4, h: NODE_H - 16 };
    boxes.set(name, box);
  });
  const bottom = Math.max(...[...boxes.values()].map((box) => box.y + box.h)) + 6;
  const arrows = links.map((link, i) => {
    const to = boxes.get(link.subscriber)!;
    const from = link.publisher ? boxes.get(link.publisher)! : undefined;
    const fromMaster = link.publisher === masterName;
    const same = links.filter((other) => other.subscriber === link.subscriber);
    const shift = (same.indexOf(link) - (same.length - 1) / 2) * (wide ? 36 : 12);
    if (wide) {
      const start: [number, number] = from
        ? [from.x + (fromMaster ? (from.w * (i + 1)) / (links.length + 1) : from.w / 2), from.y + from.h]
        : [to.x + to.w / 2 + shift, to.y - 60];
      const end: [number, number] = [to.x + to.w / 2 + shift, to.y - 2];
      // The label sits beside the arrow's end, on the side the line does not come from.
      const left = start[0] > end[0] + 1;
      return arrow(id, link, [start, end], [end[0] + (left ? -10 : 10), end[1] - 30], left ? "end" : "start", true);
    }
    const trunk = 14 + i * 9;
    const y = to.y + to.h / 2 + shift;
    const startY = from && fromMaster ? from.y + from.h : from ? from.y + from.h / 2 : y - 30;
    const startX = from && !fromMaster ? from.x : trunk;
    const points: [number, number][] =
      from && !fromMaster
        ? [
            [startX, startY],
            [trunk, startY],
            [trunk, y],
            [to.x - 2, y],
          ]
        : [
            [trunk, startY],
            [trunk, y],
            [to.x - 2, y],
          ];
    return arrow(id, link, points, [14 + links.length * 9, y - 20], "start", false);
  });
  const picture =
    nodeBox(nodes.get(masterName), masterName, master, lines) +
    followers.map((name) => nodeBox(nodes.get(name), name, boxes.get(name)!, [])).join("") +
    arrows.join("");
  return (
    `<svg viewBox="0 0 ${width} ${bottom}" width="${width}" height="${bottom}" class="lab-diagram__svg" ` +
    `data-layout="${wide ? "wide" : "narrow"}" role="img" aria-label="${escape(label)}">` +
    `<defs>${LINK_STATES.map((state) => head(id, state)).join("")}</defs>` +
    picture +
    `</svg>`
  );
}
