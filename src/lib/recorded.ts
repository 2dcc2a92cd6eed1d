// Cells' outputs recorded by `npm run record` (a replay of every lesson on a fresh lab), shown on a page until
// the reader runs the cell on their own lab, so that the lessons read well with no lab running.
import type { QueryResponse } from "./api-types.ts";

export interface Recording {
  /** server_version of the nodes the lessons were recorded on. */
  version: string;
  recordedAt: string;
  /** By `lesson.mdx#step`: the SQL as the lesson has it (a stale recording is not shown) and the answers. */
  cells: Record<string, { sql: string; responses: QueryResponse[] }>;
}
