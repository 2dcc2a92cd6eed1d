// Issue 14's instructor actions on a real hub with real labs: reset an attendee's lab and bring it to lesson 5's
// start (checked by SQL through the attendee's own /api/query), broadcast, present and stop, lower a hand; each
// arrives on the attendee's /workshop/feed, and a feed opened later gets the last broadcast and position at open.
// Refused: an attendee's session, none, no CSRF token, a bad body, an unknown attendee, a second action at once.
import fs from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningHub } from "../../server/workshop/serve.ts";
import type { AttendeeFeedEvent, LabActionProgress } from "../../shared/room/feed.ts";
import { tempDir } from "../support/temp-dir.ts";
import { testHub, join, openFeed, request, sql, TEST_PASSPHRASE, type Attendee } from "../support/hub-client.ts";
import { endAndListUsers, localProvider } from "../support/workshop-labs.ts";

let dir: string;
let hub: RunningHub;
let ada: Attendee;
let bo: Attendee;
let adaId: string;
let instructor: { Cookie: string; "X-CSRF-Token": string };
const closers: (() => void)[] = [];

beforeAll(async () => {
  dir = await tempDir("workshop-class");
  hub = await testHub({ workshopDir: dir, provider: await localProvider(dir, { maxLabs: 3, poolSize: 1 }) });
  ada = await join(hub.port, hub.joinCode, "Ada");
  bo = await join(hub.port, hub.joinCode, "Bo");
  adaId = (await hub.store.attendees()).find((attendee) => attendee.displayName === "Ada")!.id;
  const login = await request(hub.port, {
    path: "/workshop/instructor/login",
    method: "POST",
    body: { passphrase: TEST_PASSPHRASE },
  });
  expect(login.status, login.text).toBe(200);
  instructor = { Cookie: login.headers["set-cookie"]![0]!.split(";")[0]!, "X-CSRF-Token": login.json.csrf };
}, 120_000);

afterAll(async () => {
  for (const close of closers) close();
  await hub?.close();
  expect(await endAndListUsers(dir)).toEqual([]);
  await fs.rm(dir, { recursive: true, force: true });
}, 120_000);

/** A call of the instructor's, as the room's page makes it, unless `headers` says otherwise. */
function act(path: string, body: unknown, headers: Record<string, string | undefined> = {}, method = "POST") {
  return request(hub.port, { path, method, body, headers: { ...instructor, ...headers } });
}

/** The messages an attendee's pages get, from the moment the feed opens; `next` waits for one that matches. */
async function feedOf(who: Attendee) {
  const seen: AttendeeFeedEvent[] = [];
  const waiters: (() => void)[] = [];
  const close = await openFeed(hub.port, who, "/workshop/feed", (type, data) => {
    if (type === "hello") return;
    seen.push(data as AttendeeFeedEvent);
    for (const wake of waiters.splice(0)) wake();
  });
  closers.push(close);
  const next = async <T extends AttendeeFeedEvent>(matches: (message: AttendeeFeedEvent) => boolean, ms = 10_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = seen.find(matches);
      if (found) return found as T;
      if (Date.now() > deadline) throw new Error(`no matching message; seen ${JSON.stringify(seen)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 250);
      });
    }
  };
  return { seen, next, close };
}

async function publicationsOf(who: Attendee): Promise<string[]> {
  const answer = await sql(hub.port, who, "SELECT pubname FROM pg_publication ORDER BY pubname");
  expect(answer.status, answer.text).toBe(200);
  return (answer.json.results[0].rows as string[][]).map((row) => row[0]!);
}

describe("the instructor's actions", () => {
  const adaPath = () => `/workshop/instructor/attendees/${adaId}`;

  it("are refused to an attendee's session, to no session, without the CSRF token, and with a bad body", async () => {
    const calls: [string, unknown, string?][] = [
      [`${adaPath()}/reset`, {}],
      [`${adaPath()}/lesson-start`, { lesson: 5 }],
      [`${adaPath()}/hand`, { up: false }],
      ["/workshop/instructor/broadcast", { text: "hello" }],
      ["/workshop/instructor/present", { path: "/lessons/05-subscriptions/", section: null, title: null }],
      ["/workshop/instructor/present", undefined, "DELETE"],
    ];
    for (const [path, body, method] of calls) {
      const asAttendee = await act(
        path,
        body,
        { Cookie: ada.cookie.replace("rlab_session", "rlab_instructor"), "X-CSRF-Token": ada.csrf },
        method,
      );
      expect(asAttendee.status, path).toBe(401);
      const attendeeCookie = await act(path, body, { Cookie: ada.cookie, "X-CSRF-Token": ada.csrf }, method);
      expect(attendeeCookie.status, path).toBe(401);
      expect((await act(path, body, { Cookie: undefined }, method)).status, path).toBe(401);
      const noCsrf = await act(path, body, { "X-CSRF-Token": undefined }, method);
      expect(noCsrf.status, path).toBe(403);
      expect(noCsrf.json.error.message).toMatch(/CSRF/);
    }
    const bad: [string, unknown, RegExp][] = [
      [`${adaPath()}/lesson-start`, { lesson: "five" }, /lesson/],
      [`${adaPath()}/hand`, { up: true }, /up/],
      ["/workshop/instructor/broadcast", { text: "" }, /text/],
      ["/workshop/instructor/broadcast", { text: "x".repeat(501) }, /text/],
      ["/workshop/instructor/present", { path: "javascript:alert(1)", section: null, title: null }, /path/],
    ];
    for (const [path, body, names] of bad) {
      const answer = await act(path, body);
      expect(answer.status, path).toBe(400);
      expect(answer.json.error.code).toBe("LAB08");
      expect(answer.json.error.message).toMatch(names);
    }
    expect((await act("/workshop/instructor/attendees/nobody/reset", {})).status).toBe(404);
    expect((await act("/workshop/instructor/attendees/nobody/hand", { up: false })).status).toBe(404);
    const noLesson = await act(`${adaPath()}/lesson-start`, { lesson: 42 });
    expect(noLesson.status).toBe(404);
    expect(noLesson.json.error.message).toMatch(/lesson 42/);
  });

  it("broadcast: every attendee's open feed gets it, and a feed opened later gets the last one at open", async () => {
    const adaFeed = await feedOf(ada);
    const boFeed = await feedOf(bo);
    const first = await act("/workshop/instructor/broadcast", { text: "  Break until 10:30  " });
    expect(first.status, first.text).toBe(200);
    expect(first.json.text).toBe("Break until 10:30");
    for (const feed of [adaFeed, boFeed]) {
      await feed.next((m) => m.type === "broadcast" && m.text === "Break until 10:30");
    }
    expect((await act("/workshop/instructor/broadcast", { text: "Back to lesson 5" })).status).toBe(200);
    const later = await feedOf(bo);
    const kept = await later.next((m) => m.type === "broadcast");
    expect(kept).toMatchObject({ type: "broadcast", text: "Back to lesson 5" });
    expect(later.seen.filter((m) => m.type === "broadcast")).toHaveLength(1);
  });

  it("present and stop: the position reaches the feeds, and a feed opened later gets the current one", async () => {
    const feed = await feedOf(ada);
    const position = { path: "/lessons/05-subscriptions/", section: "subscribe-slave1", title: "Subscribe slave1" };
    expect((await act("/workshop/instructor/present", position)).status).toBe(200);
    await feed.next((m) => m.type === "presenter" && m.position?.section === "subscribe-slave1");
    const later = await feedOf(bo);
    expect(await later.next((m) => m.type === "presenter")).toEqual({ type: "presenter", position });
    expect((await act("/workshop/instructor/present", undefined, {}, "DELETE")).status).toBe(200);
    await feed.next((m) => m.type === "presenter" && m.position === null);
    const afterStop = await feedOf(bo);
    expect(await afterStop.next((m) => m.type === "presenter")).toEqual({ type: "presenter", position: null });
  });

  it("hand: raised on one page reaches their others; the instructor lowers it, stored as an event", async () => {
    const feed = await feedOf(ada);
    const raised = await request(hub.port, {
      path: "/workshop/progress",
      method: "POST",
      body: { kind: "hand", met: true },
      headers: { Cookie: ada.cookie, Authorization: `Bearer ${ada.csrf}` },
    });
    expect(raised.status, raised.text).toBe(201);
    await feed.next((m) => m.type === "hand" && m.up);
    const lowered = await act(`${adaPath()}/hand`, { up: false });
    expect(lowered.status, lowered.text).toBe(200);
    await feed.next((m) => m.type === "hand" && !m.up);
    const own = await request(hub.port, { path: "/workshop/me/progress", headers: { Cookie: ada.cookie } });
    const hands = (own.json.events as { kind: string; met?: boolean }[]).filter((e) => e.kind === "hand");
    expect(hands.map((event) => event.met)).toEqual([true, false]);
  });

  it("lesson-start 5 brings the lab to lesson 5's start, one action at a time; reset makes it fresh", async () => {
    const feed = await feedOf(ada);
    expect(await publicationsOf(ada)).toEqual([]);
    const started = await act(`${adaPath()}/lesson-start`, { lesson: 5 });
    expect(started.status, started.text).toBe(202);
    const second = await act(`${adaPath()}/reset`, {});
    expect(second.status).toBe(409);
    expect(second.json.error.message).toMatch(/Ada's lab/);
    const done = await feed.next<LabActionProgress>(
      (m) => m.type === "lab-action" && m.action === "lesson-start" && m.state !== "running",
      180_000,
    );
    expect(done, JSON.stringify(done)).toMatchObject({ state: "done", lesson: "05-subscriptions" });
    const running = feed.seen.filter((m) => m.type === "lab-action" && m.state === "running");
    expect(running.length).toBeGreaterThan(0);
    expect(running.every((m) => m.type === "lab-action" && m.attendeeId === adaId)).toBe(true);
    expect(await publicationsOf(ada)).toContain("userpub");
    expect(await publicationsOf(bo)).toEqual([]);

    expect((await act(`${adaPath()}/reset`, {})).status).toBe(202);
    const reset = await feed.next<LabActionProgress>(
      (m) => m.type === "lab-action" && m.action === "reset" && m.state !== "running",
      120_000,
    );
    expect(reset.state, reset.message).toBe("done");
    expect(await publicationsOf(ada)).toEqual([]);
  }, 300_000);
});

describe("an action on a lab of a hub that parks idle labs", () => {
  it("counts as calls to the lab: it is not parked while the action runs", async () => {
    const idleDir = await tempDir("workshop-class-idle");
    const provider = await localProvider(idleDir, { maxLabs: 1, poolSize: 1 });
    const idleHub = await testHub({ workshopDir: idleDir, provider, idleMs: 3000 });
    try {
      const cy = await join(idleHub.port, idleHub.joinCode, "Cy");
      expect((await sql(idleHub.port, cy, "SELECT 1")).status).toBe(200);
      const cyId = (await idleHub.store.attendees())[0]!.id;
      const login = await request(idleHub.port, {
        path: "/workshop/instructor/login",
        method: "POST",
        body: { passphrase: TEST_PASSPHRASE },
      });
      const headers = { Cookie: login.headers["set-cookie"]![0]!.split(";")[0]!, "X-CSRF-Token": login.json.csrf };
      const feed: AttendeeFeedEvent[] = [];
      const close = await openFeed(idleHub.port, cy, "/workshop/feed", (type, data) => {
        if (type === "lab-action") feed.push(data as AttendeeFeedEvent);
      });
      closers.push(close);
      const started = await request(idleHub.port, {
        path: `/workshop/instructor/attendees/${cyId}/lesson-start`,
        method: "POST",
        body: { lesson: 5 },
        headers,
      });
      expect(started.status, started.text).toBe(202);
      const deadline = Date.now() + 180_000;
      let parked = 0;
      while (!feed.some((m) => m.type === "lab-action" && m.state !== "running") && Date.now() < deadline) {
        parked = Math.max(parked, provider.status().parked);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(parked).toBe(0);
      const last = feed.at(-1) as LabActionProgress;
      expect(last, JSON.stringify(feed)).toMatchObject({ state: "done" });
      // More than idleMs went by while it ran (a replay of lessons 1 to 4), and the lab is as it left it.
      const rows = await sql(idleHub.port, cy, "SELECT pubname FROM pg_publication");
      expect(rows.json.results[0].rows).toEqual([["userpub"]]);
    } finally {
      await idleHub.close();
      expect(await endAndListUsers(idleDir)).toEqual([]);
      await fs.rm(idleDir, { recursive: true, force: true, maxRetries: 5 });
    }
  }, 400_000);
});
