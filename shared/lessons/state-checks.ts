// State checks as data: what must be true of the lab at a point of a lesson. The lessons declare them
// (lesson-states.ts); the page judges them against each node's facts (src/lib/lesson-state/checks.ts), and the
// workshop hub lists them as the instructor's grid's columns, so the type lives here, on both sides.
import type { NodeName } from "../api-types.ts";

export type PublishAction = "insert" | "update" | "delete" | "truncate";

export type StateCheck = (
  | { kind: "up"; nodes: readonly NodeName[] }
  /** The table exists on these nodes with at least these columns (and none of `without`). */
  | {
      kind: "table";
      table: string;
      nodes: readonly NodeName[];
      columns: readonly string[];
      without?: readonly string[];
    }
  /** None of these tables exists on these nodes. */
  | { kind: "no-table"; tables: readonly string[]; nodes: readonly NodeName[] }
  /** public.users holds exactly this many rows on the node. */
  | { kind: "rows"; node: NodeName; count: number }
  /** public.users holds the same number of rows on every node. */
  | { kind: "counts-equal" }
  /** master publishes exactly these tables under this name, for exactly these actions. */
  | { kind: "publication"; name: string; tables: readonly string[]; publish: readonly PublishAction[] }
  /** master has no publication but these. */
  | { kind: "only-publications"; names: readonly string[] }
  /** An enabled subscription on `node` to `publication`, using `slot`, whose apply worker runs. */
  | { kind: "subscription"; node: NodeName; name: string; publication: string; slot: string }
  /** The node has no subscription but these. */
  | { kind: "only-subscriptions"; node: NodeName; names: readonly string[] }
  /** master has no replication slot but these, and each is in use. */
  | { kind: "only-slots"; names: readonly string[] }
  /** A setting has this value (as SHOW prints it) and waits for no restart. */
  | { kind: "setting"; node: NodeName; name: string; value: string }
  /** None of these roles exists on the node. */
  | { kind: "no-roles"; node: NodeName; roles: readonly string[] }
  /** None of these extensions is installed on the node. */
  | { kind: "no-extensions"; node: NodeName; extensions: readonly string[] }
) & {
  /** The step (1-based, as `#cell-N` counts) of the lesson that makes it true, offered as the fix. */
  cell?: number;
};
