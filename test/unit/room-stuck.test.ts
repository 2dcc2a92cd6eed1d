// Who is stuck, by the four rules, from hand-written events and a fixed clock; each entry with the last error.
import { describe, expect, it } from "vitest";
import { inTimeOrder, type RoomAttendee } from "../../server/workshop/room/grid.ts";
import { stuckList } from "../../server/workshop/room/stuck.ts";
import type { StoredProgressEvent } from "../../shared/progress-events.ts";
import { stepKey } from "../../shared/room/columns.ts";

const LESSON = "05-subscriptions";
const NOW = new Date("2026-11-26T10:00:00Z");
const expectations = new Map([
  [stepKey(LESSON, 10), { kind: "ok" as const }],
  [stepKey(LESSON, 12), { kind: "error" as const }],
  [stepKey(LESSON, 13), { kind: "error" as const, code: "42710" }],
]);
const class5: RoomAttendee[] = ["a", "b", "c", "d", "e"].map((id, i) => ({
  id,
  displayName: id.toUpperCase(),
  labId: `lab-${i + 1}`,
}));

let nextId = 1;

function at(minutesAgo: number, event: Omit<StoredProgressEvent, "at" | "id">): StoredProgressEvent {
  return { id: nextId++, lesson: LESSON, ...event, at: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString() };
}

/** Everyone but `except` passes a step a minute ago, so they count as having moved on. */
function classMovesOn(except: string[] = []): StoredProgressEvent[] {
  return class5
    .filter((attendee) => !except.includes(attendee.id))
    .map((attendee) => at(1, { attendeeId: attendee.id, kind: "expectation", step: 10, met: true }));
}

const stuck = (events: StoredProgressEvent[], attendees = class5) =>
  stuckList({ attendees, events: inTimeOrder(events), expectations, now: NOW });
const rules = (events: StoredProgressEvent[]) =>
  stuck(events).map((entry) => [entry.attendee.id, ...entry.reasons.map((reason) => reason.rule)]);

describe("the stuck list", () => {
  it("is empty while everyone moves on", () => {
    expect(stuck(classMovesOn())).toEqual([]);
  });

  it("holds an attendee who failed the same step three times in a row, with the last error", () => {
    const failures = [4, 3, 2].map((minutesAgo) =>
      at(minutesAgo, {
        attendeeId: "b",
        kind: "expectation",
        step: 13,
        met: false,
        sqlstate: "42710",
        message: minutesAgo === 2 ? 'replication slot "usersub" already exists' : "earlier",
      }),
    );
    // Her page's state checks, not met yet, keep reporting after the failures: they are not her last error.
    const check = "subscription:slave3:usersub3";
    const notYet = at(1, { attendeeId: "b", kind: "state-check", check, met: false, message: "no usersub3" });
    const [entry, ...others] = stuck([...classMovesOn(["b"]), ...failures, notYet]);
    expect(others).toEqual([]);
    expect(entry!.attendee.id).toBe("b");
    expect(entry!.reasons).toEqual([
      { rule: "failed-repeatedly", text: `failed ${LESSON} step 13 3 times in a row`, lesson: LESSON, step: 13 },
    ]);
    expect(entry!.lastError).toMatchObject({
      lesson: LESSON,
      step: 13,
      sqlstate: "42710",
      message: 'replication slot "usersub" already exists',
    });
  });

  it("does not count failures broken by a success, or two failures", () => {
    const events = [
      at(4, { attendeeId: "b", kind: "expectation", step: 13, met: false }),
      at(3, { attendeeId: "b", kind: "expectation", step: 13, met: true }),
      at(2, { attendeeId: "b", kind: "expectation", step: 13, met: false }),
      at(1, { attendeeId: "b", kind: "expectation", step: 13, met: false }),
      // Other steps' failures do not add up with step 13's.
      at(1, { attendeeId: "c", kind: "expectation", step: 10, met: false }),
      at(1, { attendeeId: "c", kind: "expectation", step: 12, met: false }),
      at(1, { attendeeId: "c", kind: "expectation", step: 13, met: false }),
    ];
    expect(rules(events)).toEqual([]);
  });

  it("holds an error the step does not expect: another code, or any where the cell expects none", () => {
    const events = [
      ...classMovesOn(),
      at(1, { attendeeId: "a", kind: "expectation", step: 13, met: false, sqlstate: "42P01", message: "no" }),
      at(1, { attendeeId: "b", kind: "expectation", step: 10, met: false, sqlstate: "42704" }),
      // The lesson's own error is no reason: step 13 expects 42710 and step 12 takes any error.
      at(1, { attendeeId: "c", kind: "expectation", step: 13, met: false, sqlstate: "42710" }),
      at(1, { attendeeId: "d", kind: "expectation", step: 12, met: false, sqlstate: "08006" }),
    ];
    expect(rules(events)).toEqual([
      ["a", "unexpected-error"],
      ["b", "unexpected-error"],
    ]);
    expect(stuck(events)[0]!.reasons[0]!.text).toBe(`error 42P01 at ${LESSON} step 13, where the lesson expects 42710`);
    expect(stuck(events)[1]!.reasons[0]!.text).toBe(
      `error 42704 at ${LESSON} step 10, where the lesson expects no error`,
    );
  });

  it("forgets an unexpected error once the step is met", () => {
    const events = [
      at(3, { attendeeId: "a", kind: "expectation", step: 10, met: false, sqlstate: "42704" }),
      at(2, { attendeeId: "a", kind: "expectation", step: 10, met: true }),
    ];
    expect(rules(events)).toEqual([]);
  });

  it("holds an attendee with no event for five minutes while most of the class moved on", () => {
    const quiet = at(6, { attendeeId: "e", kind: "expectation", step: 10, met: true });
    expect(rules([quiet, ...classMovesOn(["e"])])).toEqual([["e", "idle"]]);
    // Two of four others moving on is not most of the class.
    expect(rules([quiet, ...classMovesOn(["c", "d", "e"])])).toEqual([]);
    // Any event of their own in the last five minutes keeps them out.
    const recent = at(4, { attendeeId: "e", kind: "ran", step: 11 });
    expect(rules([quiet, recent, ...classMovesOn(["e"])])).toEqual([]);
  });

  it("counts as moving on a met judgement or a run, not a failure", () => {
    const quiet = at(6, { attendeeId: "e", kind: "ran", step: 1 });
    const failing = ["a", "b", "c", "d"].map((id) =>
      at(1, { attendeeId: id, kind: "expectation", step: 12, met: false }),
    );
    expect(rules([quiet, ...failing])).toEqual([]);
    const running = ["a", "b", "c"].map((id) => at(1, { attendeeId: id, kind: "ran", step: 12 }));
    // d sent nothing at all, and three of its four others ran a step: idle too.
    expect(rules([quiet, ...running])).toEqual([
      ["d", "idle"],
      ["e", "idle"],
    ]);
  });

  it("holds an attendee who never sent an event while the class moved on, and nobody in a class of one", () => {
    expect(rules(classMovesOn(["d"]))).toEqual([["d", "idle"]]);
    expect(stuck([], [class5[0]!])).toEqual([]);
  });

  it("holds a raised hand until it is lowered", () => {
    const up = at(2, { attendeeId: "c", kind: "hand", met: true, step: 13 });
    expect(stuck([...classMovesOn(), up])).toEqual([
      {
        attendee: class5[2],
        reasons: [{ rule: "hand", text: "raised a hand", lesson: LESSON, step: 13 }],
      },
    ]);
    const down = at(1, { attendeeId: "c", kind: "hand", met: false });
    expect(rules([...classMovesOn(), up, down])).toEqual([]);
  });

  it("lists every rule that holds for one attendee, in one entry", () => {
    const events = [
      ...classMovesOn(["b"]),
      ...[9, 8, 7].map((minutesAgo) =>
        at(minutesAgo, { attendeeId: "b", kind: "expectation", step: 10, met: false, sqlstate: "42704" }),
      ),
      at(6, { attendeeId: "b", kind: "hand", met: true }),
    ];
    expect(rules(events)).toEqual([["b", "failed-repeatedly", "unexpected-error", "idle", "hand"]]);
  });
});
