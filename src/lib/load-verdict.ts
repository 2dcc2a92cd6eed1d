// The words of a load run's verdict, shared by the page and `npm run load` so that both say the same thing.
import type { LoadVerdict } from "./api-types.ts";

export function verdictHeadline(verdict: LoadVerdict, format: (n: number) => string = String): string {
  return verdict.nothingLost
    ? `✓ Nothing lost: ${format(verdict.acknowledged)} acknowledged writes, and every node has them.`
    : "✗ Some acknowledged writes are missing from a node that is up.";
}

/** Where one node stands after the run: the publisher, caught up after N ms, or down. */
export function nodeOutcome(node: LoadVerdict["nodes"][number]): string {
  if (node.state !== "up") return `${node.state}: it catches up when started`;
  if (node.name === "master") return "the publisher";
  if (node.caughtUpMs === null) return "not caught up within 30 s";
  return `caught up ${node.caughtUpMs} ms after the last acknowledged write`;
}
