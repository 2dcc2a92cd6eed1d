// The grid as CSV (issue 14), for the instructor to keep at the end: one row per attendee (name, lab, then one
// column per step: done, failed, or blank for not yet), quoted as RFC 4180 says, since attendees choose their
// names and a comma or a quote in one must not shift the columns.
import type { Grid, Mark } from "./grid.ts";

const MARK_TEXT: Record<Mark, string> = { done: "done", failed: "failed", "not-yet": "" };

/** One field: quoted when it holds a comma, a quote or a line break, with its quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csvLine(fields: string[]): string {
  return fields.map(csvField).join(",");
}

/** The header names the columns by their labels; lines end in CRLF, the last one too. */
export function toCsv(grid: Grid): string {
  const header = csvLine(["name", "lab", ...grid.columns.map((column) => column.label)]);
  const rows = grid.rows.map((row) =>
    csvLine([row.attendee.displayName, row.attendee.labId, ...row.marks.map((mark) => MARK_TEXT[mark])]),
  );
  return [header, ...rows].map((line) => `${line}\r\n`).join("");
}
