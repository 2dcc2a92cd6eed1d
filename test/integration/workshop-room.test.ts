// Issue 14's instructor's room API on a real hub with real labs: the grid and its counts and stuck list for
// hand-posted progress events, the live feed delivering a new event's grid, one attendee's read-only view, their
// lab drawn live (and "parked" without starting it), the CSV, the broadcast, and the refusals (no session, an
// attendee's session, no CSRF token).
import fs from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLessons } from "../../server/lesson-start/lessons.ts";
import type { RoomGridView } from "../../server/workshop/room/room-grid.ts";
import type { LocalProvider } from "../../server/workshop/provision/local.ts";
import type { RunningHub } from "../../server/workshop/serve.ts";
import { roomColumns, type StepColumn } from "../../shared/room/columns.ts";
import { tempDir } from "../support/temp-dir.ts";
import { TEST_PASSPHRASE, join, labCall, openFeed, request, testHub, type Attendee } from "../support/hub-client.ts";
import { endAndListUsers, localProvider } from "../support/workshop-labs.ts";

let dir: string;
let hub: RunningHub;
let provider: LocalProvider;
let ada: Attendee;
let bo: Attendee;
let instructor: { Cookie: string; "X-CSRF-Token": string };
/** A step column whose cell expects success, so an error there is one the lesson did not expect. */
let column: StepColumn;
let columnIndex: number;

beforeAll(async () => {
  dir = await tempDir("workshop-room");
  provider = await localProvider(dir, { maxLabs: 3, poolSize: 1 });
  hub = await testHub({ workshopDir: dir, provider });
  ada = await join(hub.port, hub.joinCode, "Ada");
  bo = await join(hub.port, hub.joinCode, 'Bo, "the second"');
  const login = await request(hub.port, {
    path: "/workshop/instructor/login",
    method: "POST",
    body: { passphrase: TEST_PASSPHRASE },
  });
  expect(login.status).toBe(200);
  instructor = { Cookie: login.headers["set-cookie"]![0]!.split(";")[0]!, "X-CSRF-Token": login.json.csrf };
  const columns = roomColumns(await readLessons());
  columnIndex = columns.findIndex((c) => c.kind === "step" && c.expectation.kind !== "error");
  column = columns[columnIndex] as StepColumn;
}, 180_000);

afterAll(async () => {
  await hub?.close();
  expect(await endAndListUsers(dir)).toEqual([]);
  await fs.rm(dir, { recursive: true, force: true });
}, 120_000);

function report(who: Attendee, body: unknown) {
  return request(hub.port, {
    path: "/workshop/progress",
    method: "POST",
    body,
    headers: { Cookie: who.cookie, Authorization: `Bearer ${who.csrf}` },
  });
}

async function reported(who: Attendee, body: unknown): Promise<number> {
  const answer = await report(who, body);
  expect(answer.status, answer.text).toBe(201);
  return answer.json.id as number;
}

function asInstructor(path: string) {
  return request(hub.port, { path, headers: instructor });
}

async function attendeeId(name: string): Promise<string> {
  const grid = (await asInstructor("/workshop/instructor/grid")).json as RoomGridView;
  return grid.rows.find((row) => row.attendee.displayName === name)!.attendee.id;
}

/** The instructor's feed, as the room's page holds it open: each grid and message kept in order. */
async function instructorFeed() {
  const received: Array<{ event: string; data: any }> = [];
  const who = { cookie: instructor.Cookie, csrf: "" } as Attendee;
  const close = await openFeed(hub.port, who, "/workshop/instructor/feed", (event, data) =>
    received.push({ event, data }),
  );
  return { received, close };
}

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the room's grid", () => {
  it("shows each attendee's marks, the per-column counts and the stuck list, and never any SQL", async () => {
    const { lesson, step } = column;
    await reported(bo, { kind: "ran", lesson, step, sql: "SELECT 'bo-secret-sql';" });
    await reported(bo, { kind: "expectation", lesson, step, met: true, sql: "SELECT 'bo-secret-sql';" });
    let last = 0;
    for (let i = 0; i < 3; i++) {
      last = await reported(ada, {
        kind: "expectation",
        lesson,
        step,
        met: false,
        sqlstate: "42P01",
        message: 'relation "nope" does not exist',
        sql: "SELECT * FROM nope; -- ada-secret-sql",
      });
    }
    const answer = await asInstructor("/workshop/instructor/grid");
    expect(answer.status, answer.text).toBe(200);
    expect(answer.text).not.toMatch(/secret-sql/);
    const grid = answer.json as RoomGridView;
    expect(grid.through).toBeGreaterThanOrEqual(last);
    const byName = new Map(grid.rows.map((row) => [row.attendee.displayName, row]));
    expect(byName.get("Ada")!.marks[columnIndex]).toBe("failed");
    expect(byName.get('Bo, "the second"')!.marks[columnIndex]).toBe("done");
    expect(grid.counts[columnIndex]).toEqual({ columnId: column.id, done: 1, of: 2 });
    // Every other column is not yet for both.
    const elsewhere = grid.rows.flatMap((row) => row.marks.filter((_, i) => i !== columnIndex));
    expect(new Set(elsewhere)).toEqual(new Set(["not-yet"]));
    expect(grid.stuck.map((entry) => entry.attendee.displayName)).toEqual(["Ada"]);
    expect(grid.stuck[0]!.reasons.map((reason) => reason.rule).sort()).toEqual([
      "failed-repeatedly",
      "unexpected-error",
    ]);
    expect(grid.stuck[0]!.lastError).toMatchObject({ sqlstate: "42P01", message: 'relation "nope" does not exist' });
  });

  it("is sent on the feed at open and again, with `through`, after a new event", async () => {
    const feed = await instructorFeed();
    try {
      const first = await until(
        () => feed.received.filter((m) => m.event === "grid"),
        (grids) => grids.length > 0,
      );
      expect(first.length).toBeGreaterThan(0);
      const { lesson, step } = column;
      const id = await reported(ada, { kind: "expectation", lesson, step, met: true });
      const next = await until(
        () => feed.received.filter((m) => m.event === "grid" && m.data.through >= id),
        (grids) => grids.length > 0,
      );
      const grid = next[0]!.data as RoomGridView;
      expect(grid.through).toBeGreaterThanOrEqual(id);
      const row = grid.rows.find((r) => r.attendee.displayName === "Ada")!;
      expect(row.marks[columnIndex]).toBe("done");
      expect(grid.counts[columnIndex]!.done).toBe(2);
      expect(grid.stuck.map((entry) => entry.attendee.displayName)).toEqual([]);
    } finally {
      feed.close();
    }
  });

  it("is downloaded as CSV: an attachment, one row per attendee, names quoted", async () => {
    const answer = await asInstructor("/workshop/instructor/progress.csv");
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toMatch(/^text\/csv/);
    expect(answer.headers["content-disposition"]).toMatch(/^attachment; filename="workshop-progress\.csv"$/);
    const lines = answer.text.split("\r\n");
    expect(lines[0]!.startsWith("name,lab,")).toBe(true);
    expect(lines.slice(1, -1)).toHaveLength(2);
    const bo = lines.find((line) => line.startsWith('"Bo, ""the second"""'))!;
    expect(bo.split(",").filter((field) => field === "done")).toHaveLength(1);
    expect(lines.at(-1)).toBe("");
  });
});

describe("an attendee's view", () => {
  it("lists their events newest first with SQL and output, and their stuck reasons", async () => {
    const id = await reported(ada, {
      kind: "ran",
      lesson: column.lesson,
      step: column.step,
      sql: "SELECT 1 AS one;",
      output: "SELECT 1\none\n1",
    });
    const answer = await asInstructor(`/workshop/instructor/attendees/${await attendeeId("Ada")}`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.attendee).toMatchObject({ displayName: "Ada", labId: ada.lab });
    const events = answer.json.events as Array<{ id: number; sql?: string; output?: string }>;
    expect(events[0]).toMatchObject({ id, sql: "SELECT 1 AS one;", output: "SELECT 1\none\n1" });
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => b - a));
    expect(events.some((event) => event.sql?.includes("ada-secret-sql"))).toBe(true);
    expect(answer.json.stuck).toEqual([]);
    const unknown = await asInstructor("/workshop/instructor/attendees/nobody");
    expect(unknown.status).toBe(404);
  });

  it("draws their running lab live: nodes, a subscription's apply worker, the master's slot, the lag", async () => {
    const status = await labCall(hub.port, ada, "/api/lab");
    const master = (status.json.nodes as Array<{ name: string; conninfo: string }>).find((n) => n.name === "master")!;
    const on = async (node: string, sql: string) => {
      const answer = await labCall(hub.port, ada, "/api/query", { node, sql });
      expect(answer.status, answer.text).toBe(200);
    };
    await on("master", "CREATE TABLE room_t (id int PRIMARY KEY); CREATE PUBLICATION room_pub FOR TABLE room_t;");
    await on("slave1", "CREATE TABLE room_t (id int PRIMARY KEY);");
    await on("slave1", `CREATE SUBSCRIPTION room_sub CONNECTION '${master.conninfo}' PUBLICATION room_pub;`);
    const id = await attendeeId("Ada");
    const view = await until(
      async () => (await asInstructor(`/workshop/instructor/attendees/${id}/lab`)).json,
      (json) =>
        json.nodes?.[1]?.subscriptions?.[0]?.workerPid > 0 &&
        json.slots?.some((slot: any) => slot.name === "room_sub" && slot.active),
    );
    expect(view.state).toBe("running");
    expect(view.labId).toBe(ada.lab);
    expect(view.nodes.map((n: any) => [n.name, n.state])).toEqual([
      ["master", "up"],
      ["slave1", "up"],
      ["slave2", "up"],
      ["slave3", "up"],
    ]);
    const sub = view.nodes[1].subscriptions[0];
    expect(sub).toMatchObject({ name: "room_sub", enabled: true, slot: "room_sub" });
    expect(sub.workerState).toEqual(expect.any(String));
    expect(sub.receivedLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    // The table's initial copy may still hold a slot of its own (pg_..._sync_...) next to the subscription's.
    expect(view.slots).toContainEqual({
      name: "room_sub",
      active: true,
      walStatus: "reserved",
      bytesBehind: expect.any(Number),
    });
    expect(view.lag.find((l: any) => l.follower === "slave1").bytesBehind).toEqual(expect.any(Number));
    expect(view.lag.find((l: any) => l.follower === "slave2").bytesBehind).toBeNull();
    await on("slave1", "DROP SUBSCRIPTION room_sub;");
    await on("master", "DROP PUBLICATION room_pub; DROP TABLE room_t;");
    await on("slave1", "DROP TABLE room_t;");
  }, 60_000);

  it("draws a node that is down as down, not as an error", async () => {
    const stop = await labCall(hub.port, ada, "/api/lab/nodes/slave3/stop", {});
    expect(stop.status, stop.text).toBeLessThan(300);
    try {
      const id = await attendeeId("Ada");
      const answer = await asInstructor(`/workshop/instructor/attendees/${id}/lab`);
      expect(answer.status, answer.text).toBe(200);
      expect(answer.json.nodes.find((n: any) => n.name === "slave3").state).not.toBe("up");
      expect(answer.json.nodes.find((n: any) => n.name === "master").state).toBe("up");
    } finally {
      await labCall(hub.port, ada, "/api/lab/nodes/slave3/start", {});
    }
  }, 60_000);

  it("says a parked lab is parked, and does not start it to draw it", async () => {
    await labCall(hub.port, bo, "/api/lab");
    await provider.park(bo.lab);
    const id = await attendeeId('Bo, "the second"');
    const answer = await asInstructor(`/workshop/instructor/attendees/${id}/lab`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual({ labId: bo.lab, state: "parked" });
    expect(await provider.running(bo.lab)).toBeNull();
    expect(provider.status().parked).toBe(1);
  }, 60_000);
});

describe("the broadcast", () => {
  it("reaches every attendee's feed, with the instructor's CSRF token only", async () => {
    const heard: Array<{ event: string; data: any }> = [];
    const close = await openFeed(hub.port, ada, "/workshop/feed", (event, data) => heard.push({ event, data }));
    try {
      const refused = await request(hub.port, {
        path: "/workshop/instructor/broadcast",
        method: "POST",
        body: { text: "hi" },
        headers: { Cookie: instructor.Cookie },
      });
      expect(refused.status).toBe(403);
      const empty = await request(hub.port, {
        path: "/workshop/instructor/broadcast",
        method: "POST",
        body: { text: "  " },
        headers: instructor,
      });
      expect(empty.status).toBe(400);
      const sent = await request(hub.port, {
        path: "/workshop/instructor/broadcast",
        method: "POST",
        body: { text: "Break until 11:00" },
        headers: instructor,
      });
      expect(sent.status, sent.text).toBe(200);
      const got = await until(
        () => heard.filter((m) => m.event === "broadcast"),
        (list) => list.length > 0,
      );
      expect(got[0]!.data).toMatchObject({ type: "broadcast", text: "Break until 11:00" });
    } finally {
      close();
    }
  });
});

describe("refusals", () => {
  const reads = [
    "/workshop/instructor/grid",
    "/workshop/instructor/feed",
    "/workshop/instructor/progress.csv",
    "/workshop/instructor/attendees/x",
    "/workshop/instructor/attendees/x/lab",
  ];

  it.each(reads)("%s refuses no session and an attendee's session with 401", async (path) => {
    const none = await request(hub.port, { path });
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe("LAB13");
    const attendee = await request(hub.port, {
      path,
      headers: { Cookie: ada.cookie, Authorization: `Bearer ${ada.csrf}` },
    });
    expect(attendee.status).toBe(401);
  });

  it("the broadcast refuses an attendee's session", async () => {
    const answer = await request(hub.port, {
      path: "/workshop/instructor/broadcast",
      method: "POST",
      body: { text: "hi" },
      headers: { Cookie: ada.cookie, "X-CSRF-Token": ada.csrf },
    });
    expect(answer.status).toBe(401);
  });
});
