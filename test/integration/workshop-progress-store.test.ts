// Issue 14's progress events in the hub's own database: kept with the attendee and the hub's time, listed per
// attendee and for the whole class in the order they came, and still there after a restart; a workshop folder
// made before the table existed gets it when a newer hub opens it.
import fs from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { HubDatabase } from "../../server/workshop/store/database.ts";
import { MIGRATIONS } from "../../server/workshop/store/migrations.ts";
import { HubStore } from "../../server/workshop/store/store.ts";
import { tempDir } from "../support/temp-dir.ts";
import { endAndListUsers } from "../support/workshop-labs.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) {
    expect(await endAndListUsers(dir)).toEqual([]);
    await fs.rm(dir, { recursive: true, force: true });
  }
}, 60_000);

describe("the hub's progress events", () => {
  it("keeps events with the attendee and time, in order, across a restart", async () => {
    const dir = await tempDir("hub-progress");
    dirs.push(dir);
    const before = Date.now();
    const first = await HubStore.open(dir);
    try {
      await first.addAttendee({ id: "a1", displayName: "Ada", labId: "lab-1" });
      await first.addAttendee({ id: "b2", displayName: "Bo", labId: "lab-2" });
      const ran = await first.addProgress("a1", { kind: "ran", lesson: "03-schema", step: 2 });
      expect(ran).toEqual({
        id: expect.any(Number),
        attendeeId: "a1",
        kind: "ran",
        lesson: "03-schema",
        step: 2,
        at: ran.at,
      });
      expect(Date.parse(ran.at)).toBeGreaterThanOrEqual(before - 1_000);
      await first.addProgress("b2", { kind: "hand", met: true });
      await first.addProgress("a1", {
        kind: "expectation",
        lesson: "03-schema",
        step: 2,
        met: false,
        sqlstate: "42P01",
        message: 'relation "nope" does not exist',
        sql: "SELECT * FROM nope;",
      });
      await first.addProgress("a1", {
        kind: "state-check",
        lesson: "05-subscriptions",
        check: "slave2 subscribed",
        met: true,
      });
    } finally {
      await first.close();
    }

    const again = await HubStore.open(dir);
    try {
      const mine = await again.progressOf("a1");
      expect(mine.map((event) => [event.kind, event.step ?? event.check, event.met])).toEqual([
        ["ran", 2, undefined],
        ["expectation", 2, false],
        ["state-check", "slave2 subscribed", true],
      ]);
      expect(mine[1]).toMatchObject({
        sqlstate: "42P01",
        message: 'relation "nope" does not exist',
        sql: "SELECT * FROM nope;",
      });
      // An event's left-out fields stay left out: nothing is stored as an empty value.
      expect(Object.keys(mine[0]!).sort()).toEqual(["at", "attendeeId", "id", "kind", "lesson", "step"]);
      const times = mine.map((event) => Date.parse(event.at));
      expect(times).toEqual([...times].sort((x, y) => x - y));
      expect(await again.progressOf("b2")).toEqual([
        { id: expect.any(Number), attendeeId: "b2", kind: "hand", met: true, at: expect.any(String) },
      ]);
      expect((await again.allProgress()).map((event) => `${event.attendeeId} ${event.kind}`)).toEqual([
        "a1 ran",
        "b2 hand",
        "a1 expectation",
        "a1 state-check",
      ]);
      await expect(again.addProgress("nobody", { kind: "ran" })).rejects.toThrow(/foreign key/);
    } finally {
      await again.close();
    }
  });

  it("adds the table to a workshop folder whose database was made at schema version 1", async () => {
    const dir = await tempDir("hub-progress");
    dirs.push(dir);
    // A folder as a hub before issue 14 left it: only the first version applied.
    const old = await HubDatabase.open(dir);
    try {
      await old.pool.query(MIGRATIONS[0]!);
      await old.pool.query(
        "CREATE TABLE schema_version (version integer NOT NULL); INSERT INTO schema_version VALUES (1)",
      );
      await old.pool.query("INSERT INTO attendees (id, display_name, lab_id) VALUES ('c3', 'Cy', 'lab-3')");
    } finally {
      await old.close();
    }
    const store = await HubStore.open(dir);
    try {
      expect(store.schemaVersion).toBe(MIGRATIONS.length);
      expect((await store.attendees()).map((a) => a.id)).toEqual(["c3"]);
      await store.addProgress("c3", { kind: "ran", lesson: "01-logical-replication", step: 1 });
      expect((await store.progressOf("c3")).map((event) => event.kind)).toEqual(["ran"]);
    } finally {
      await store.close();
    }
  });
});
