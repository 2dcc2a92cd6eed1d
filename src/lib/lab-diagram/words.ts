// The lab's picture in words: the labels the drawing writes on its arrows and boxes, and its text alternative,
// which says the same as the drawing so that a screen reader (or a reader of the page's text) misses nothing.
import type {
  LabStatus,
  LinkState,
  NodeStatus,
  ReplicationLink,
  ReplicationPicture,
  SlotPicture,
} from "../../../shared/api-types.ts";

/** Each state's word and sign: the sign and the line's dash carry the state too, not only its colour. */
export const LINK_WORDS: Record<LinkState, { word: string; sign: string }> = {
  streaming: { word: "streaming", sign: "●" },
  "catching-up": { word: "catching up", sign: "◐" },
  disabled: { word: "disabled", sign: "‖" },
  failing: { word: "failing", sign: "✕" },
  "node-down": { word: "node down", sign: "○" },
};

/** Bytes as pg_size_pretty would roughly say them, short enough for an arrow's label. */
export function bytes(count: number | null): string {
  if (count === null) return "? behind";
  if (count < 1024) return `${count} B behind`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} kB behind`;
  return `${(count / 1024 / 1024).toFixed(1)} MB behind`;
}

export function nodeWord(node: NodeStatus | undefined): string {
  if (!node) return "offline";
  return node.state === "error" ? "failed" : node.state;
}

export function publicationLine(publication: ReplicationPicture["publications"][number]): string {
  const tables = publication.allTables
    ? "all tables"
    : `${publication.tables} table${publication.tables === 1 ? "" : "s"}`;
  return `publication ${publication.name} · ${tables}`;
}

export function slotLine(slot: SlotPicture): string {
  const lost = slot.walStatus && slot.walStatus !== "reserved" ? ` · WAL ${slot.walStatus}` : "";
  const state = slot.active ? "active" : "inactive";
  return `${slot.active ? "●" : "○"} slot ${slot.name} · ${state} · ${bytes(slot.bytesBehind)}${lost}`;
}

export function linkLabel(link: ReplicationLink): string {
  const { word, sign } = LINK_WORDS[link.state];
  return `${sign} ${word}`;
}

/** Each arrow's state in words, keyed by the arrow: what the live region compares to say only what changed. */
export function arrowStates(status: LabStatus | null): Map<string, string> {
  return new Map(
    (status?.replication?.links ?? []).map((link) => [
      `${link.subscriber}/${link.name}`,
      `${link.name} from ${link.publisher ?? "outside the lab"} to ${link.subscriber}: ${LINK_WORDS[link.state].word}`,
    ]),
  );
}

/** The nodes' and arrows' states, the drawing's accessible name: no figures, so it changes only when a state does. */
export function summary(status: LabStatus | null): string {
  if (!status) return "The lab's replication: no lab is reachable from this page.";
  const nodes = status.nodes.map((node) => `${node.name} ${nodeWord(node)}`).join(", ");
  const arrows = [...arrowStates(status).values()];
  return `The lab's replication. Nodes: ${nodes}. ${
    arrows.length === 0 ? "No subscriptions." : `Subscriptions: ${arrows.join("; ")}.`
  }`;
}

/** The whole drawing as a list of sentences, figures included. */
export function describe(status: LabStatus | null): string[] {
  if (!status) return [summary(null)];
  const picture = status.replication ?? { publications: [], slots: [], links: [] };
  const [master, ...followers] = status.nodes;
  const lines = [
    `${master?.name}: ${nodeWord(master)}.`,
    ...picture.publications.map((publication) => `On ${master?.name}: ${publicationLine(publication)}.`),
    ...picture.slots.map(
      (slot) =>
        `On ${master?.name}: slot ${slot.name}, ${slot.active ? "active" : "inactive"}, ${bytes(slot.bytesBehind)}` +
        (slot.behindFrom ? ` (from its ${slot.behindFrom})` : "") +
        (slot.walStatus ? `, WAL ${slot.walStatus}.` : "."),
    ),
    ...followers.map((node) => `${node.name}: ${nodeWord(node)}.`),
    ...picture.links.map(
      (link) =>
        `Subscription ${link.name}, ${link.publisher ?? "a publisher outside the lab"} to ${link.subscriber}: ` +
        `${LINK_WORDS[link.state].word}, ${bytes(link.bytesBehind)} (${link.detail}).`,
    ),
  ];
  return lines;
}
