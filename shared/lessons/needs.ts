// A lesson cell's version marker: `<SqlCell node="slave1" needs="18">` says the cell's node must run PostgreSQL
// 18 or newer, `needs="master=17,slave1=16"` names the nodes. On a lab that mixes versions (LAB_PG_VERSIONS) a
// cell whose nodes are too old would fail with a syntax error or an unknown parameter, which teaches nothing; the
// page says what the cell needs instead, and Run all, the replay and the catch-up to a later lesson skip it.
import type { LabStatus } from "../api-types.ts";
import { NODE_NAMES, isNodeName, type NodeName } from "../nodes.ts";

/** The oldest PostgreSQL major a node must run for a cell. */
export interface Need {
  node: NodeName;
  major: number;
}

/** A need the lab does not meet: the node runs `runs` (its `server_version`'s major). */
export interface UnmetNeed extends Need {
  runs: number;
}

/** The oldest major the lab offers and the newest a lesson may ask for. */
const MAJORS = { oldest: 10, newest: 99 };

function major(text: string, attribute: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < MAJORS.oldest || value > MAJORS.newest)
    throw new Error(`needs="${attribute}": "${text}" is not a PostgreSQL major version such as 17`);
  return value;
}

/**
 * The needs a cell's `needs` attribute names. A bare major applies to the cell's node, or to every node for a
 * cell on `all`. A malformed attribute throws, so that a typo fails the site's build, not a learner's run.
 */
export function parseNeeds(attribute: string | undefined, cellNode: string): Need[] {
  if (attribute === undefined || attribute.trim() === "") return [];
  const own: readonly NodeName[] = cellNode === "all" ? NODE_NAMES : isNodeName(cellNode) ? [cellNode] : [];
  return attribute.split(",").flatMap((part): Need[] => {
    const entry = part.trim();
    const named = /^([a-z0-9]+)\s*=\s*(\S+)$/.exec(entry);
    if (!named) return own.map((node) => ({ node, major: major(entry, attribute) }));
    const [, node, version] = named as unknown as [string, string, string];
    if (!isNodeName(node))
      throw new Error(`needs="${attribute}": "${node}" is not a node; the nodes are ${NODE_NAMES.join(", ")}`);
    return [{ node, major: major(version, attribute) }];
  });
}

/**
 * The needs this lab does not meet. A node whose version is not known yet (never up) is taken to meet them: the
 * cell then runs and says what the server says, rather than being skipped on a guess.
 */
export function unmetNeeds(needs: readonly Need[], lab: Pick<LabStatus, "nodes">): UnmetNeed[] {
  return needs.flatMap((need) => {
    const version = lab.nodes.find((node) => node.name === need.node)?.version ?? null;
    const runs = version === null ? Number.NaN : Number.parseInt(version, 10);
    return Number.isNaN(runs) || runs >= need.major ? [] : [{ ...need, runs }];
  });
}

/** "needs PostgreSQL 18 on master, which runs 17 here" (and "; 16 on slave1, which runs 15" for more). */
export function describeUnmet(unmet: readonly UnmetNeed[]): string {
  const parts = unmet.map((need) => `${need.major} on ${need.node}, which runs ${need.runs} here`);
  return parts.length === 0 ? "" : `needs PostgreSQL ${parts.join("; ")}`;
}

/** "PostgreSQL 18+" for a cell's badge: the newest major it asks of any node (they are rarely different). */
export function badgeOf(needs: readonly Need[]): string {
  if (needs.length === 0) return "";
  return `PostgreSQL ${Math.max(...needs.map((need) => need.major))}+`;
}
