// Cells' outputs recorded by `npm run record` (a replay of every lesson on a fresh lab), shown on a page until
// the reader runs the cell on their own lab, so that the lessons read well with no lab running.
import type { QueryResponse } from "../api-types.ts";
import type { Conninfos } from "./placeholders.ts";

export interface Recording {
  /** server_version of the nodes the lessons were recorded on. */
  version: string;
  recordedAt: string;
  /**
   * What each node's placeholder (`{{master}}`) became on the lab the lessons were recorded on, its password
   * masked: a page with no lab shows these, marked as recorded. Absent from recordings made before it was kept.
   */
  conninfo?: Conninfos;
  /** By `lesson.mdx#step`: the SQL as the lesson has it (a stale recording is not shown) and the answers. */
  cells: Record<string, { sql: string; responses: QueryResponse[] }>;
}

/**
 * The recording lab's password, wherever it appears in the recording (connection strings, `\dRs+`, a
 * subconninfo), as asterisks of the same length: nothing secret goes into the repository, and psql's aligned
 * tables stay aligned.
 */
export function maskPassword(recordingJson: string, password: string): string {
  if (password === "") return recordingJson;
  return recordingJson.replaceAll(password, "*".repeat(password.length));
}
