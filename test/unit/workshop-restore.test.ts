// Workshop mode's progress restored on a new device (issue 14): the hub's events of an attendee turned into the
// records solo progress keeps, and merged with what this browser has.
import { describe, expect, it } from "vitest";
import type { StoredProgressEvent } from "../../shared/progress-events.ts";
import { mergeRecords, progressOf } from "../../src/lib/progress/rule.ts";
import { handIsUp, recordsFromEvents } from "../../src/lib/workshop/restore.ts";

const at = (minute: number) => `2026-11-27T10:${String(minute).padStart(2, "0")}:00.000Z`;
let id = 0;
const event = (minute: number, fields: Partial<StoredProgressEvent>): StoredProgressEvent => ({
  id: ++id,
  attendeeId: "ada",
  at: at(minute),
  kind: "ran",
  ...fields,
});

describe("records from the hub's events", () => {
  it("counts each step run once, from 0 as the records do, with the time of the last run", () => {
    const records = recordsFromEvents([
      event(1, { lesson: "03-schema", step: 2 }),
      event(2, { lesson: "03-schema", step: 1 }),
      event(3, { lesson: "03-schema", step: 2 }),
      event(4, { kind: "expectation", lesson: "03-schema", step: 2, met: false }),
      event(5, { lesson: "05-subscriptions", step: 1 }),
    ]);
    expect(records.get("03-schema.mdx")).toEqual({ ran: [0, 1], at: at(3) });
    expect(records.get("05-subscriptions.mdx")).toEqual({ ran: [0], at: at(5) });
  });

  it("says the checklist is all met when every check's last verdict is, from the last change on", () => {
    const met = recordsFromEvents([
      event(1, { lesson: "04-publication", step: 1 }),
      event(2, { kind: "state-check", lesson: "04-publication", check: "publication:userpub", met: false }),
      event(3, { kind: "state-check", lesson: "04-publication", check: "table:master:users", met: true }),
      event(4, { kind: "state-check", lesson: "04-publication", check: "publication:userpub", met: true }),
    ]);
    expect(met.get("04-publication.mdx")).toEqual({ ran: [0], at: at(1), checks: true, checksMetAt: at(4) });
    const off = recordsFromEvents([
      event(1, { kind: "state-check", lesson: "04-publication", check: "publication:userpub", met: true }),
      event(2, { kind: "state-check", lesson: "04-publication", check: "publication:userpub", met: false }),
    ]);
    expect(off.get("04-publication.mdx")).toEqual({ ran: [], checks: false });
  });

  it("leaves out events of no lesson and lessons with nothing to mark", () => {
    const records = recordsFromEvents([
      event(1, { kind: "hand", met: true }),
      event(2, { kind: "hand", lesson: "03-schema", met: false }),
    ]);
    expect([...records.keys()]).toEqual([]);
  });

  it("makes a lesson done on the new device when every step ran there before", () => {
    const records = recordsFromEvents([1, 2, 3].map((step) => event(step, { lesson: "03-schema", step })));
    expect(progressOf(mergeRecords(undefined, records.get("03-schema.mdx")!), 3)).toBe("done");
  });
});

describe("merging with this browser's record", () => {
  it("joins the steps, keeps the later run's time, and takes the other's verdict only when newer", () => {
    const kept = { ran: [0, 2], at: at(10), checks: true, checksMetAt: at(10) };
    expect(mergeRecords(kept, { ran: [1], at: at(5), checks: false })).toEqual({
      ran: [0, 1, 2],
      at: at(10),
      checks: true,
      checksMetAt: at(10),
    });
    expect(mergeRecords(kept, { ran: [], checks: false, at: at(20) })).toMatchObject({ checks: false, at: at(20) });
    expect(mergeRecords({ ran: [0] }, { ran: [], checks: true, checksMetAt: at(3) })).toEqual({
      ran: [0],
      checks: true,
      checksMetAt: at(3),
    });
  });
});

describe("the hand", () => {
  it("is up when the last hand event says so", () => {
    expect(handIsUp([])).toBe(false);
    expect(handIsUp([event(1, { kind: "hand", met: true })])).toBe(true);
    expect(handIsUp([event(1, { kind: "hand", met: true }), event(2, { kind: "hand", met: false })])).toBe(false);
  });
});
