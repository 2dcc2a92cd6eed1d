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
  // A follower's slot is not measured (bytes behind are read on master only): the label names the publisher.
  const second =
    link.publisher && link.bytesBehind === null && link.publisher !== NODE_NAMES[0]
      ? `from ${link.publisher}`
      : link.publisher || !roomy
        ? bytes(link.bytesBehind)
        : "from outside the lab";
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

/** A subscription to another follower (a two-way pair, lesson 11): drawn under the followers' row, not from above. */
const isPeer = (link: ReplicationLink, masterName: NodeName) =>
  link.publisher !== null && link.publisher !== masterName;

/** Lanes under the followers' row, one per link between followers, each with room for its two-line label. */
const LANE = 40;

interface Layout {
  id: string;
  links: ReplicationLink[];
  boxes: Map<NodeName, Box>;
  masterName: NodeName;
}

/** The wide layout's arrow: from master (or from above, for a publisher outside the lab) down to the follower. */
function wideFromAbove({ id, links, boxes, masterName }: Layout, link: ReplicationLink): string {
  const above = links.filter((other) => !isPeer(other, masterName));
  const to = boxes.get(link.subscriber)!;
  const from = link.publisher ? boxes.get(link.publisher)! : undefined;
  const same = above.filter((other) => other.subscriber === link.subscriber);
  const shift = (same.indexOf(link) - (same.length - 1) / 2) * 36;
  const i = above.indexOf(link);
  const start: [number, number] = from
    ? [from.x + (from.w * (i + 1)) / (above.length + 1), from.y + from.h]
    : [to.x + to.w / 2 + shift, to.y - 60];
  const end: [number, number] = [to.x + to.w / 2 + shift, to.y - 2];
  // The label sits beside the arrow's end, on the side the line does not come from.
  const left = start[0] > end[0] + 1;
  return arrow(id, link, [start, end], [end[0] + (left ? -10 : 10), end[1] - 30], left ? "end" : "start", true);
}

/**
 * The wide layout's arrow between two followers: down from the publisher into a lane of its own under the row,
 * across, and up into the subscriber, leaving each box left of its centre and entering right of it, so that the
 * two arrows of a pair never share a line; its label sits in its lane, between the two.
 */
function wideBetweenFollowers({ id, links, boxes, masterName }: Layout, link: ReplicationLink): string {
  const lane = links.filter((other) => isPeer(other, masterName)).indexOf(link);
  const from = boxes.get(link.publisher!)!;
  const to = boxes.get(link.subscriber)!;
  const y = from.y + from.h + 18 + lane * LANE;
  const startX = from.x + from.w / 2 - 20;
  const endX = to.x + to.w / 2 + 20;
  const points: [number, number][] = [
    [startX, from.y + from.h],
    [startX, y],
    [endX, y],
    [endX, to.y + to.h + 2],
  ];
  return arrow(id, link, points, [(startX + endX) / 2, y + 14], "middle", true);
}

/**
 * The narrow layout's arrow: off a trunk of its own on the left into the follower's left side. A follower with
 * several subscriptions gets its labels stacked above it, in the order of its arrows.
 */
function narrowArrow({ id, links, boxes, masterName }: Layout, link: ReplicationLink, i: number): string {
  const to = boxes.get(link.subscriber)!;
  const from = link.publisher ? boxes.get(link.publisher)! : undefined;
  const fromMaster = link.publisher === masterName;
  const same = links.filter((other) => other.subscriber === link.subscriber);
  const k = same.indexOf(link);
  // The trunks share the room of three, so that the labels after them keep clear of the boxes however many arrows.
  const trunk = 14 + i * (links.length > 3 ? 18 / (links.length - 1) : 9);
  const y = to.y + to.h / 2 + (k - (same.length - 1) / 2) * 12;
  // Several arrows into one follower spread 12 apart around its middle: the labels above them move up by half that.
  const lift = same.length > 1 ? 6 : 0;
  const label: [number, number] = [
    14 + Math.min(links.length, 3) * 9,
    to.y + to.h / 2 - 20 - lift - 30 * (same.length - 1 - k),
  ];
  if (from && !fromMaster) {
    // From the publisher's lower left, below its own labels, which sit above its middle.
    const startY = from.y + from.h - 4;
    const points: [number, number][] = [
      [from.x, startY],
      [trunk, startY],
      [trunk, y],
      [to.x - 2, y],
    ];
    return arrow(id, link, points, label, "start", false);
  }
  const startY = from ? from.y + from.h : y - 30;
  return arrow(
    id,
    link,
    [
      [trunk, startY],
      [trunk, y],
      [to.x - 2, y],
    ],
    label,
    "start",
    false,
  );
}

/** The followers' boxes: a row under master (wide), or a column with room above each for its arrows' labels. */
function followerBoxes(wide: boolean, width: number, top: number, followers: NodeName[], links: ReplicationLink[]) {
  const boxes = new Map<NodeName, Box>();
  let y = top + 26;
  followers.forEach((name, i) => {
    if (wide) {
      boxes.set(name, { x: 4 + i * ((width - 8) / 3) + 6, y: top + 120, w: (width - 8) / 3 - 12, h: NODE_H - 16 });
      return;
    }
    const labels = Math.max(1, links.filter((link) => link.subscriber === name).length);
    y += labels > 1 ? 30 * (labels - 1) + 6 : 0;
    boxes.set(name, { x: width * 0.45, y, w: width * 0.55 - 4, h: NODE_H - 16 });
    y += 64;
  });
  return boxes;
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
  const boxes = followerBoxes(wide, width, master.y + master.h, followers, links);
  boxes.set(masterName, master);
  const layout: Layout = { id, links, boxes, masterName };
  const peers = links.filter((link) => isPeer(link, masterName)).length;
  const lanes = wide && peers > 0 ? 18 + peers * LANE : 0;
  const bottom = Math.max(...[...boxes.values()].map((box) => box.y + box.h)) + 6 + lanes;
  const arrows = links.map((link, i) => {
    if (!wide) return narrowArrow(layout, link, i);
    return isPeer(link, masterName) ? wideBetweenFollowers(layout, link) : wideFromAbove(layout, link);
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
