// The instructor's room's data (issue 14): from the attendees' progress events, each attendee's mark in each of
// the grid's columns, how many are done per column, and who is stuck. Pure: the events, the attendees and the
// clock come in, so the rules are tested with hand-written events and fixed times. The stuck list is computed
// first, because the instructor reads it first.
import type { StoredProgressEvent } from "../../../shared/progress-events.ts";
import type { RoomColumn } from "../../../shared/room/columns.ts";
import { stuckList, type RoomAttendee, type StepExpectations, type StuckEntry } from "./stuck.ts";

export type { RoomAttendee };

/** The last judgement in a column: met (done), not met (failed), or none yet. */
export type Mark = "done" | "failed" | "not-yet";

export interface GridRow {
  attendee: RoomAttendee;
  /** One mark per column, in the columns' order. */
  marks: Mark[];
}

export interface ColumnCount {
  columnId: string;
  done: number;
  of: number;
}

export interface Grid {
  stuck: StuckEntry[];
  columns: RoomColumn[];
  rows: GridRow[];
  counts: ColumnCount[];
}

export interface GridInput {
  columns: RoomColumn[];
  attendees: RoomAttendee[];
  /** Every attendee's events, in any order: they are ordered by time here. */
  events: StoredProgressEvent[];
  /** What each step's cell expects, for the "error the lesson didn't expect" rule. */
  expectations: StepExpectations;
  now: Date;
}

/** The key that ties an event to its column: the same for a column and the events that judge it. */
function columnKey(column: RoomColumn): string {
  return column.kind === "step" ? `step:${column.lesson}#${column.step}` : `check:${column.lesson}#${column.check}`;
}

function eventKey(event: StoredProgressEvent): string | undefined {
  if (event.met === undefined || event.lesson === undefined) return undefined;
  if (event.kind === "expectation" && event.step !== undefined) return `step:${event.lesson}#${event.step}`;
  if (event.kind === "state-check" && event.check !== undefined) return `check:${event.lesson}#${event.check}`;
  return undefined;
}

/** Events oldest first; events stamped at the same time keep the order they came in. */
export function inTimeOrder(events: StoredProgressEvent[]): StoredProgressEvent[] {
  return events
    .map((event, index) => ({ event, index, time: Date.parse(event.at) }))
    .sort((a, b) => a.time - b.time || a.index - b.index)
    .map(({ event }) => event);
}

/**
 * Each attendee's last verdict per column key. A state check is judged on every page of a lesson, long before the
 * attendee gets to the cell that makes it true: until it has been met once, "not met" is where they are, not a
 * failure, so it stays not yet. Once met, losing it again (a table dropped) is a failure the instructor should see.
 */
function lastVerdicts(events: StoredProgressEvent[]): Map<string, Map<string, boolean>> {
  const byAttendee = new Map<string, Map<string, boolean>>();
  for (const event of events) {
    const key = eventKey(event);
    if (key === undefined) continue;
    const verdicts = byAttendee.get(event.attendeeId) ?? new Map<string, boolean>();
    if (event.kind === "state-check" && !event.met && !verdicts.has(key)) continue;
    verdicts.set(key, event.met!);
    byAttendee.set(event.attendeeId, verdicts);
  }
  return byAttendee;
}

export function buildGrid(input: GridInput): Grid {
  const events = inTimeOrder(input.events);
  const stuck = stuckList({ ...input, events });
  const verdicts = lastVerdicts(events);
  const keys = input.columns.map(columnKey);
  const rows = input.attendees.map((attendee): GridRow => {
    const own = verdicts.get(attendee.id);
    return {
      attendee,
      marks: keys.map((key): Mark => {
        const met = own?.get(key);
        return met === undefined ? "not-yet" : met ? "done" : "failed";
      }),
    };
  });
  const counts = input.columns.map((column, i): ColumnCount => ({
    columnId: column.id,
    done: rows.filter((row) => row.marks[i] === "done").length,
    of: rows.length,
  }));
  return { stuck, columns: input.columns, rows, counts };
}
