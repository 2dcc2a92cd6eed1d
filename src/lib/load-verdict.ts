// The words of a load run's verdict, shared by the page and `npm run load` so that both say the same thing.
import type { LoadSummary, LoadVerdict } from "./api-types.ts";

/**
 * Master's gain is right when acknowledged <= gained <= acknowledged + unknown: every acknowledged write is
 * there, and the only extra rows are writes whose answer was lost (committed, but never acknowledged).
 */
export function withinBounds(gained: number | null, summary: Pick<LoadSummary, "ok" | "unknown">): boolean {
  return gained !== null && gained >= summary.ok && gained <= summary.ok + summary.unknown;
}

export function verdictHeadline(verdict: LoadVerdict, format: (n: number) => string = String): string {
  if (!verdict.nothingLost) return "✗ Some acknowledged writes are missing from a node that is up.";
  const headline = `✓ Nothing lost: ${format(verdict.acknowledged)} acknowledged writes, and every node has them.`;
  const gained = verdict.nodes[0]?.gained;
  if (verdict.unknown === 0 || gained === null || gained === undefined) return headline;
  return `${headline} Of ${format(verdict.unknown)} writes whose outcome was unknown, ${format(gained - verdict.acknowledged)} were committed.`;
}

/** Where one node stands after the run: the publisher, caught up after N ms, or down. */
export function nodeOutcome(node: LoadVerdict["nodes"][number]): string {
  if (node.state !== "up") return `${node.state}: it catches up when started`;
  if (node.name === "master") return "the publisher";
  if (node.caughtUpMs === null) return "not caught up within 30 s";
  return `caught up ${node.caughtUpMs} ms after the last acknowledged write`;
}
