// Workshop mode's fair use on hubs with real labs: load runs share the hub's slots (at most K at once, the rest
// wait in line, each told its place) and every run's verdict still holds when its turn comes; a lab nobody calls
// is parked and comes back, data intact, on its attendee's next call.
import fs from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NODE_NAMES, type LabStatus, type LoadState, type NodeStatus } from "../../shared/api-types.ts";
import { RESUMING_NOTE, type LocalProvider } from "../../server/workshop/provision/local.ts";
import type { RunningHub } from "../../server/workshop/serve.ts";
import { waitFor } from "../support/bridge.ts";
import { testHub, join, labCall, openFeed, request, type Attendee } from "../support/hub-client.ts";
import { tempDir } from "../support/temp-dir.ts";
import { launch } from "../support/browser.ts";
import { endAndListUsers, localProvider } from "../support/workshop-labs.ts";

const REQUESTS = 1500;
let dir: string;
let hub: RunningHub;
let attendees: Attendee[];

async function cell(who: Attendee, node: string, text: string): Promise<void> {
  const answer = await labCall(hub.port, who, "/api/query", { node, sql: text });
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  expect(answer.json.error, JSON.stringify(answer.json.error)).toBeUndefined();
}

/** Lesson 5's state on the attendee's own lab: users on every node, userpub on master, every follower subscribed. */
async function setUpReplication(who: Attendee): Promise<void> {
  const status = (await labCall(hub.port, who, "/api/lab")).json as LabStatus & { nodes: { conninfo: string }[] };
  const conninfo = status.nodes.find((node) => node.name === "master")!.conninfo;
  for (const node of NODE_NAMES) {
    await cell(who, node, "CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL)");
  }
  await cell(who, "master", "CREATE PUBLICATION userpub FOR TABLE users");
  for (const node of NODE_NAMES.slice(1)) {
    await cell(who, node, `CREATE SUBSCRIPTION sub_${node} CONNECTION '${conninfo}' PUBLICATION userpub`);
  }
}

const loadState = async (who: Attendee) => (await labCall(hub.port, who, "/api/load")).json as LoadState;
const startLoad = (who: Attendee) => labCall(hub.port, who, "/api/load", { requests: REQUESTS, concurrency: 20 });

async function startLoadHub(): Promise<void> {
  dir = await tempDir("workshop-fair-use");
  hub = await testHub({
    workshopDir: dir,
    provider: await localProvider(dir, { maxLabs: 3, poolSize: 3 }),
    loadSlots: 1,
  });
  attendees = [];
  for (const name of ["Ada", "Bo", "Cy"]) attendees.push(await join(hub.port, hub.joinCode, name));
  await Promise.all(attendees.map(setUpReplication));
}

async function closeHub(): Promise<void> {
  await hub?.close();
  // The workshop's labs and hub go, with every OS user named with its tag.
  expect(await endAndListUsers(dir)).toEqual([]);
  await fs.rm(dir, { recursive: true, force: true });
}

describe("load runs with one slot", () => {
  beforeAll(startLoadHub, 240_000);
  afterAll(closeHub, 120_000);

  it("runs one at a time, tells the others their place, then runs them in order with their verdicts", async () => {
    const [ada, bo, cy] = attendees as [Attendee, Attendee, Attendee];
    const answers = [];
    for (const who of [ada, bo, cy]) answers.push(await startLoad(who));
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202]);
    expect(answers.map((answer) => (answer.json as LoadState).phase)).toEqual(["running", "queued", "queued"]);
    expect(answers.slice(1).map((answer) => (answer.json as { place: number }).place)).toEqual([1, 2]);
    // One run or one waiting in line per attendee.
    const again = await startLoad(bo);
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/already waiting in line/);

    // Watch all three until every run is done: never two going at once, and they go in the order they came.
    const order: string[] = [];
    const cyPlaces = new Set<number>();
    const done = await waitFor(async () => {
      const states = await Promise.all([ada, bo, cy].map(loadState));
      const going = states.filter((state) => state.phase === "running" || state.phase === "verifying");
      expect(going.length).toBeLessThanOrEqual(1);
      states.forEach((state, i) => {
        const who = ["Ada", "Bo", "Cy"][i]!;
        if (state.phase !== "queued" && !order.includes(who)) order.push(who);
        if (state.phase === "failed") throw new Error(`${who}'s run failed: ${state.error}`);
      });
      if (states[2]!.phase === "queued") cyPlaces.add(states[2]!.place);
      return states.every((state) => state.phase === "done") ? states : undefined;
    }, 240_000);
    expect(order).toEqual(["Ada", "Bo", "Cy"]);
    expect(cyPlaces.has(1)).toBe(true);
    for (const state of done) {
      if (state.phase !== "done") throw new Error("not done");
      expect(state.verdict.acknowledged).toBe(state.summary.ok);
      expect(state.summary.ok).toBe(REQUESTS);
      expect(state.verdict.outcome).toBe("replicated");
      expect(state.verdict.nothingLost).toBe(true);
    }
  }, 300_000);

  it("takes a cancelled run out of the line; those behind it move up", async () => {
    const [ada, bo, cy] = attendees as [Attendee, Attendee, Attendee];
    expect((await startLoad(ada)).json.phase).toBe("running");
    expect((await startLoad(bo)).json).toMatchObject({ phase: "queued", place: 1 });
    expect((await startLoad(cy)).json).toMatchObject({ phase: "queued", place: 2 });
    const cancelled = await labCall(hub.port, bo, "/api/load/stop", {});
    expect(cancelled.json).toEqual({ phase: "idle" });
    expect(await loadState(cy)).toMatchObject({ phase: "queued", place: 1 });
    // Ada stops hers: Cy's turn comes, and Bo's cancelled run never does.
    await labCall(hub.port, ada, "/api/load/stop", {});
    await waitFor(async () => ((await loadState(cy)).phase === "queued" ? undefined : true), 60_000);
    expect(await loadState(bo)).toEqual({ phase: "idle" });
    await labCall(hub.port, cy, "/api/load/stop", {});
    const finished = await waitFor(async () => {
      const state = await loadState(cy);
      return state.phase === "running" || state.phase === "verifying" ? undefined : state;
    }, 60_000);
    expect(["failed", "done"]).toContain(finished.phase);
  }, 120_000);

  it("shows the attendee's place in line in the load panel, and its Cancel takes the run out", async () => {
    const [ada, bo] = attendees as [Attendee, Attendee];
    expect((await labCall(hub.port, ada, "/api/load", { requests: 100_000, concurrency: 10 })).json.phase).toBe(
      "running",
    );
    const browser = await launch();
    try {
      const page = await browser.newPage();
      // The rejoin link, as on another device: it sets Bo's cookie and hands the page its token in the fragment.
      await page.goto(`http://127.0.0.1:${hub.port}${new URL(bo.rejoin).pathname}`);
      await page.goto(`http://127.0.0.1:${hub.port}/lessons/06-load-and-watch/`);
      const panel = page.locator("load-run");
      await panel.locator("input[name=requests]").fill("500");
      await panel.locator(".load-run__start").click();
      await expect.poll(() => panel.getAttribute("data-phase"), { timeout: 30_000 }).toBe("queued");
      expect(await panel.locator(".load-run__status").textContent()).toMatch(/^waiting: 1st in line/);
      expect(await panel.locator(".load-run__start").isDisabled()).toBe(true);
      await panel.locator(".load-run__stop", { hasText: "Cancel" }).click();
      await expect.poll(() => panel.getAttribute("data-phase"), { timeout: 30_000 }).toBe("idle");
      expect(await panel.locator(".load-run__start").isDisabled()).toBe(false);
      expect(await loadState(bo)).toEqual({ phase: "idle" });
    } finally {
      await browser.close();
      await labCall(hub.port, ada, "/api/load/stop", {});
    }
    await waitFor(async () => {
      const phase = (await loadState(ada)).phase;
      return phase === "running" || phase === "verifying" ? undefined : true;
    }, 60_000);
  }, 120_000);
});

describe("idle labs", () => {
  let provider: LocalProvider;
  let ada: Attendee;
  beforeAll(async () => {
    dir = await tempDir("workshop-idle");
    provider = await localProvider(dir, { maxLabs: 1, poolSize: 1 });
    hub = await testHub({ workshopDir: dir, provider, idleMs: 3000 });
    ada = await join(hub.port, hub.joinCode, "Ada");
  }, 120_000);
  afterAll(closeHub, 120_000);

  it("parks a lab nobody calls, and starts it again on the next call with its data, saying why", async () => {
    await cell(ada, "master", "CREATE TABLE notes (v text); INSERT INTO notes VALUES ('before the pause')");
    // The page's status feed, open all along as a tab holds it: it is not a call, so it doesn't keep the lab up.
    const seen: NodeStatus[] = [];
    const close = await openFeed(hub.port, ada, "/api/events", (event, data) => {
      if (event === "node") seen.push(data as NodeStatus);
    });
    try {
      await waitFor(async () => provider.status().parked === 1, 30_000);
      await waitFor(async () => seen.filter((node) => node.state === "down").length >= 4, 30_000);
      const rows = await labCall(hub.port, ada, "/api/query", { node: "master", sql: "SELECT v FROM notes" });
      expect(rows.status, JSON.stringify(rows.json)).toBe(200);
      expect(rows.json.results[0].rows).toEqual([["before the pause"]]);
      expect(provider.status()).toMatchObject({ assigned: 1, parked: 0 });
      const starting = seen.filter((node) => node.state === "starting");
      expect(new Set(starting.map((node) => node.name)).size).toBe(4);
      expect(starting.every((node) => node.detail === RESUMING_NOTE)).toBe(true);
      // Up again, and the feed says so without being opened anew.
      await waitFor(async () => seen.filter((node) => node.state === "up").length >= 4, 30_000);
    } finally {
      close();
    }
  }, 120_000);

  it("reports a lab's disk use to its attendee and to the instructor, growing with rows", async () => {
    const login = await request(hub.port, {
      path: "/workshop/instructor/login",
      method: "POST",
      body: { passphrase: "amber-basin-cedar-delta-42" },
    });
    expect(login.status).toBe(200);
    const instructor = { Cookie: login.headers["set-cookie"]![0]!.split(";")[0]! };
    const instructorSees = async () => {
      const answer = await request(hub.port, { path: "/workshop/instructor/status", headers: instructor });
      expect(answer.status, JSON.stringify(answer.json)).toBe(200);
      return answer.json.attendees.find((attendee: { lab: string }) => attendee.lab === ada.lab).diskBytes as number;
    };
    const attendeeSees = async () => (await labCall(hub.port, ada, "/api/lab")).json.diskBytes as number | null;

    // Measured in the background (disk-meter.ts): null until the lab's first measurement, then a figure.
    const before = await waitFor(async () => (await attendeeSees()) ?? undefined, 30_000);
    expect(before).toBeGreaterThan(10_000_000);
    const instructorBefore = await instructorSees();
    await cell(
      ada,
      "master",
      "CREATE TABLE bulk AS SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 100000) g",
    );
    // 100,000 rows of over 100 bytes: at least 10 MB more, in the table's file (and the WAL that wrote it).
    const after = await waitFor(async () => {
      const now = (await attendeeSees()) ?? 0;
      return now >= before + 10_000_000 ? now : undefined;
    }, 30_000);
    expect(after).toBeGreaterThan(before);
    expect(await instructorSees()).toBeGreaterThan(instructorBefore + 10_000_000);
    // The instructor's page shows it too, in the attendee's row.
    const page = await request(hub.port, { path: "/instructor", headers: instructor });
    const row = new RegExp(`<td>${ada.lab}</td><td>[^<]+</td><td class="number">(\\d+(\\.\\d)?) MB</td>`);
    expect(Number(row.exec(page.text)?.[1])).toBeGreaterThan(before / 1e6);

    // Not for attendees, nor without a session.
    const asAttendee = await request(hub.port, {
      path: "/workshop/instructor/status",
      headers: { Cookie: ada.cookie },
    });
    expect(asAttendee.status).toBe(401);
    const anonymous = await request(hub.port, { path: "/workshop/instructor/status" });
    expect(anonymous.status).toBe(401);
  }, 120_000);
});
