// The instructor's grid from hand-written progress events and a fixed clock: each attendee's mark per column is
// the last judgement (done, failed) or none (not yet), and each column counts who is done.
import { describe, expect, it } from "vitest";
import { buildGrid, type RoomAttendee } from "../../server/workshop/room/grid.ts";
import type { StoredProgressEvent } from "../../shared/progress-events.ts";
import type { RoomColumn } from "../../shared/room/columns.ts";
import { stepKey } from "../../shared/room/columns.ts";

const LESSON = "05-subscriptions";
const NOW = new Date("2026-11-26T10:00:00Z");
const columns: RoomColumn[] = [
  { kind: "step", id: "s10", lesson: LESSON, label: "5 · cell 10", step: 10, expectation: { kind: "ok" } },
  { kind: "step", id: "s13", lesson: LESSON, label: "5 · cell 13", step: 13, expectation: { kind: "error" } },
  { kind: "check", id: "c", lesson: LESSON, label: "5 · slave2 subscribed", check: "subscription:slave2:usersub" },
];
const expectations = new Map([
  [stepKey(LESSON, 10), { kind: "ok" as const }],
  [stepKey(LESSON, 13), { kind: "error" as const, code: "42710" }],
]);
const attendees: RoomAttendee[] = [
  { id: "a", displayName: "Ada", labId: "lab-1" },
  { id: "b", displayName: "Bo", labId: "lab-2" },
  { id: "c", displayName: "Cy", labId: "lab-3" },
];

/** An event `minutesAgo` before NOW. */
let nextId = 1;

function at(minutesAgo: number, event: Omit<StoredProgressEvent, "at" | "id">): StoredProgressEvent {
  return { id: nextId++, lesson: LESSON, ...event, at: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString() };
}

const grid = (events: StoredProgressEvent[]) => buildGrid({ columns, attendees, events, expectations, now: NOW });

describe("the instructor's grid", () => {
  it("marks each attendee's last judgement per column, whatever order the events arrive in", () => {
    const events = [
      at(1, { attendeeId: "a", kind: "expectation", step: 10, met: true }),
      at(3, { attendeeId: "a", kind: "expectation", step: 10, met: false, sqlstate: "42704" }),
      at(2, { attendeeId: "b", kind: "expectation", step: 10, met: true }),
      at(1, { attendeeId: "b", kind: "expectation", step: 10, met: false, sqlstate: "42704" }),
      at(1, { attendeeId: "b", kind: "state-check", check: "subscription:slave2:usersub", met: true }),
      at(1, { attendeeId: "c", kind: "ran", step: 10 }),
    ];
    const { rows } = grid(events);
    expect(rows.map((row) => [row.attendee.displayName, ...row.marks])).toEqual([
      ["Ada", "done", "not-yet", "not-yet"],
      ["Bo", "failed", "not-yet", "done"],
      ["Cy", "not-yet", "not-yet", "not-yet"],
    ]);
  });

  it("keeps a state check not yet until it is first met, and marks it failed only when it is lost after", () => {
    const check = "subscription:slave2:usersub";
    const events = [
      // Ada's page judged the check before she got to it: not met, which is where she is, not a failure.
      at(4, { attendeeId: "a", kind: "state-check", check, met: false, message: "slave2 has no subscription" }),
      // Bo met it, then lost it (his subscription dropped).
      at(3, { attendeeId: "b", kind: "state-check", check, met: false }),
      at(2, { attendeeId: "b", kind: "state-check", check, met: true }),
      at(1, { attendeeId: "b", kind: "state-check", check, met: false, message: "slave2 has no subscription" }),
      // Cy met it.
      at(1, { attendeeId: "c", kind: "state-check", check, met: false }),
      at(0, { attendeeId: "c", kind: "state-check", check, met: true }),
    ];
    expect(grid(events).rows.map((row) => row.marks[2])).toEqual(["not-yet", "failed", "done"]);
  });

  it("counts, per column, how many of the class are done", () => {
    const events = [
      at(2, { attendeeId: "a", kind: "expectation", step: 10, met: true }),
      at(2, { attendeeId: "b", kind: "expectation", step: 10, met: true }),
      at(1, { attendeeId: "c", kind: "expectation", step: 10, met: false, sqlstate: "42704" }),
      at(1, { attendeeId: "a", kind: "expectation", step: 13, met: true }),
    ];
    expect(grid(events).counts).toEqual([
      { columnId: "s10", done: 2, of: 3 },
      { columnId: "s13", done: 1, of: 3 },
      { columnId: "c", done: 0, of: 3 },
    ]);
  });

  it("ignores what judges no column: another lesson's step, a run, a hand, an event of someone not in the room", () => {
    const events = [
      at(1, { attendeeId: "a", kind: "expectation", lesson: "04-publication", step: 10, met: true }),
      at(1, { attendeeId: "a", kind: "ran", step: 13 }),
      at(1, { attendeeId: "a", kind: "hand", met: true }),
      at(1, { attendeeId: "zed", kind: "expectation", step: 10, met: true }),
      at(1, { attendeeId: "a", kind: "state-check", check: "subscription:slave1:usersub", met: true }),
    ];
    const result = grid(events);
    expect(result.rows[0]!.marks).toEqual(["not-yet", "not-yet", "not-yet"]);
    expect(result.counts.every((count) => count.done === 0 && count.of === 3)).toBe(true);
  });

  it("puts the stuck list first, computed from the same events", () => {
    const events = [1, 2, 3].map((minutesAgo) =>
      at(minutesAgo, { attendeeId: "b", kind: "expectation", step: 10, met: false, sqlstate: "42710" }),
    );
    const result = grid(events);
    expect(Object.keys(result)[0]).toBe("stuck");
    expect(result.stuck.map((entry) => entry.attendee.id)).toEqual(["b"]);
  });
});
