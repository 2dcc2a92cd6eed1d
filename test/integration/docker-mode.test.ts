// Docker mode against a real Docker engine (issue 16): the project's own compose file, brought up with Compose
// on the stand-in for postgres:18 where no registry answers (LAB_PG_IMAGE; nothing else differs), and the bridge
// in LAB_MODE=docker in front of it. The lessons that apply replay through it as the page runs them, `{{master}}`
// filled in as host=master (the followers reach master over the compose network by name), the lessons' stops
// and restarts done by the bridge on the node's container; a lesson's start is reached by the same catch-up as
// the page's. Then slave2's slot keeps master's WAL while `docker-compose stop` holds its container, and slave2
// catches up once started. Where Docker can't run (no engine, not root), each test says why and is skipped; in
// CI (CI set) that is a failure instead.
import { afterAll, beforeAll, describe, expect, inject, it, type TestContext } from "vitest";
import type { LabStatus, LessonStartProgress, NodeName, QueryResponse } from "../../shared/api-types.ts";
import { runStep, type Post } from "../../shared/lessons/replay.ts";
import { describeCheck } from "../../src/lib/lesson-state/checks.ts";
import { evaluateUntilMet, type JudgedCheck } from "../../src/lib/lesson-state/evaluate.ts";
import { lessonState } from "../../src/lib/lesson-state/lesson-states.ts";
import { readLessons } from "../../server/lesson-start/lessons.ts";
import { postgresImage } from "../../scripts/docker/postgres-image.ts";
import { sharedVolumePitfall } from "../../scripts/docker/shared-volume.ts";
import { launch, screenshot } from "../support/browser.ts";
import { composeLab, composeUnavailable, nodeState, type ComposeLab } from "../support/compose-lab.ts";

const say = (line: string) => console.log(line);
const lessons = await readLessons();
const PROJECT = "rlab-docker-test";
/** Lessons 1 to 8 run in docker mode; lesson 9's demonstrations start servers on the lab's own machine. */
const DOCKER_LESSONS = 8;
const CHECK_SECONDS = 15;
let unavailable: string | undefined;
let lab: ComposeLab | undefined;
let status: LabStatus;

function needsDocker(context: TestContext): void {
  if (unavailable) context.skip(`Docker can't run here: ${unavailable}`);
}

beforeAll(async () => {
  unavailable = await composeUnavailable(say);
  if (unavailable && process.env["CI"]) throw new Error(`CI must run the docker-mode tests, but ${unavailable}`);
  if (unavailable) {
    console.warn(`docker-mode.test.ts: no containers are started, because ${unavailable}`);
    return;
  }
  const started = performance.now();
  lab = await composeLab(PROJECT, inject("siteDir"), say);
  say(`docker mode: image and four healthy containers in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}, 600_000);

afterAll(async () => {
  await lab?.stop();
}, 120_000);

function offChecks(judged: JudgedCheck[]): string[] {
  return judged.filter((result) => !result.ok).map((result) => `${describeCheck(result.check)}: ${result.off}`);
}

/** A statement on a node through the bridge, its last result's rows as objects of text. */
async function sql<T = Record<string, string | null>>(node: NodeName, text: string): Promise<T[]> {
  const answer = await lab!.post<QueryResponse>("/api/query", { node, sql: text });
  if (answer.error) throw new Error(`${node}: ${answer.error.message}`);
  const last = answer.results.at(-1);
  if (!last) return [];
  return last.rows.map((row) => Object.fromEntries(last.fields.map((field, i) => [field.name, row[i]])) as T);
}

describe("docker mode, on containers from the project's compose file", () => {
  it("reports four nodes up on the compose file's ports, PostgreSQL 18 with wal_level logical", async (context) => {
    needsDocker(context);
    status = await lab!.get<LabStatus>("/api/lab");
    expect(status.mode).toBe("docker");
    expect(status.nodes.map((node) => [node.name, node.state, node.port])).toEqual([
      ["master", "up", 55432],
      ["slave1", "up", 55433],
      ["slave2", "up", 55434],
      ["slave3", "up", 55435],
    ]);
    for (const node of status.nodes)
      expect(node).toMatchObject({ version: expect.stringMatching(/^18\./), walLevel: "logical" });
    // What a follower's subscription is given: master by its name on the compose network, not a host port.
    expect(status.nodes[0]!.conninfo).toMatch(/^host=master port=5432 /);
  });

  it("takes a setting from the server's command line over ALTER SYSTEM's, as lesson 2 says", async (context) => {
    needsDocker(context);
    const walLevel = async () =>
      (
        await sql<{ setting: string; source: string }>(
          "slave3",
          "SELECT setting, source FROM pg_settings WHERE name = 'wal_level'",
        )
      )[0]!;
    expect(await walLevel()).toEqual({ setting: "logical", source: "command line" });
    await sql("slave3", "ALTER SYSTEM SET wal_level = 'replica'");
    try {
      await lab!.post("/api/lab/nodes/slave3/stop", {});
      await lab!.post("/api/lab/nodes/slave3/start", {});
      expect(await walLevel()).toEqual({ setting: "logical", source: "command line" });
    } finally {
      await sql("slave3", "ALTER SYSTEM RESET wal_level");
    }
  }, 120_000);

  it("the home page shows the docker lab; its Stop and Start buttons stop and start a container", async (context) => {
    needsDocker(context);
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(`${lab!.bridge.url}/#lab-token=${lab!.token}`);
      const panel = page.locator(".sl-markdown-content .lab-status");
      const slave2 = panel.locator("[data-node='slave2']");
      await panel.locator("[data-node='master'][data-state='up']").waitFor({ timeout: 20_000 });
      await expect(panel.innerText()).resolves.toMatch(/docker/i);
      await slave2.locator(".lab-node__toggle").click();
      await slave2.and(page.locator("[data-state='down']")).waitFor({ timeout: 60_000 });
      // The container itself stopped: the bridge ran docker stop, not a query.
      expect((await lab!.project.health())["slave2"]).toBe("exited");
      await screenshot(page, "docker-mode-home-slave2-stopped");
      await slave2.locator(".lab-node__toggle").click();
      await slave2.and(page.locator("[data-state='up']")).waitFor({ timeout: 90_000 });
      await lab!.project.healthy(["slave2"]);
    } finally {
      await browser.close();
    }
  }, 180_000);

  for (const lesson of lessons.slice(0, DOCKER_LESSONS)) {
    it(`${lesson.file}: replays on the containers, every step meeting its expectation`, async (context) => {
      needsDocker(context);
      if (lesson.file.startsWith("01")) status = await lab!.post<LabStatus>("/api/lab/reset", {});
      const post: Post = lab!.post;
      const state = lessonState(Number(lesson.file.slice(0, 2)));
      expect(offChecks(await evaluateUntilMet(state.start, post, CHECK_SECONDS)), "start state").toEqual([]);
      for (const [i, step] of lesson.steps.entries()) {
        const outcome = await runStep(step, status, post);
        expect(outcome.met, `${lesson.file}, step ${i + 1}:\n${outcome.what}\n${outcome.reason}`).toBe(true);
        if (step.kind === "sql" && step.code.includes("{{master}}")) {
          expect(outcome.what).toContain("host=master port=5432");
        }
      }
      expect(offChecks(await evaluateUntilMet(state.end, post, CHECK_SECONDS)), "end state").toEqual([]);
    }, 300_000);
  }

  it("brings the lab to lesson 6's start by the page's catch-up: a reset, then lessons 1 to 5", async (context) => {
    needsDocker(context);
    await lab!.post("/api/lab/lesson-start", { lesson: 6 });
    const deadline = Date.now() + 240_000;
    let progress: LessonStartProgress | null = null;
    while (Date.now() < deadline) {
      progress = (await lab!.get<{ progress: LessonStartProgress | null }>("/api/lab/lesson-start")).progress;
      if (progress?.phase === "done" || progress?.phase === "failed") break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(progress?.error).toBeUndefined();
    expect(progress).toMatchObject({ lesson: 6, phase: "done", how: "replay", snapshots: false });
    const state = lessonState(6);
    expect(offChecks(await evaluateUntilMet(state.start, lab!.post, CHECK_SECONDS))).toEqual([]);
  }, 300_000);

  it("keeps master's WAL in slave2's slot while its container is stopped; catches up once started", async (context) => {
    needsDocker(context);
    // slave2's slot on master, by the name its subscription gives it (lesson 5 names them).
    const slot = (await sql<{ slot: string }>("slave2", "SELECT subslotname AS slot FROM pg_subscription"))[0]!.slot;
    const retained = async () =>
      (
        await sql<{ active: string; retained: string }>(
          "master",
          "SELECT active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint::text AS retained " +
            `FROM pg_replication_slots WHERE slot_name = '${slot}'`,
        )
      )[0]!;
    await lab!.project.run(["stop", "slave2"]);
    await nodeState(lab!, "slave2", "down");
    expect((await retained()).active).toBe("f");
    const before = Number((await retained()).retained);
    await sql(
      "master",
      "INSERT INTO users (name, email) SELECT 'while slave2 is stopped', 'stopped-' || g || '@example.com' " +
        "FROM generate_series(1, 5000) g",
    );
    const during = await retained();
    expect(during.active).toBe("f");
    // The slot holds its place: everything master wrote since is kept for slave2.
    expect(Number(during.retained)).toBeGreaterThan(before);
    const masterCount = Number((await sql<{ n: string }>("master", "SELECT count(*) AS n FROM users"))[0]!.n);

    await lab!.project.run(["start", "slave2"]);
    await lab!.project.healthy(["slave2"]);
    await nodeState(lab!, "slave2", "up");
    const deadline = Date.now() + 60_000;
    for (;;) {
      const n = Number((await sql<{ n: string }>("slave2", "SELECT count(*) AS n FROM users"))[0]!.n);
      const slot = await retained();
      if (n === masterCount && slot.active === "t") break;
      if (Date.now() > deadline)
        throw new Error(`slave2 has ${n} of ${masterCount} rows, slot ${JSON.stringify(slot)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 180_000);
});

describe("lesson 9's pitfall, for real: two containers on one volume (npm run docker:pitfall)", () => {
  it("starts a second server despite the first's lock file: PID 1 in both, one folder", async (context) => {
    needsDocker(context);
    const outcome = await sharedVolumePitfall(process.env["LAB_DOCKER_PG_IMAGE"] || (await postgresImage(say)));
    expect(outcome.bothRan, outcome.secondLog).toBe(true);
    expect(outcome.lockPid).toEqual({ first: "1", second: "1" });
    expect(outcome.dataDirectory.first).toBe(outcome.dataDirectory.second);
    expect(outcome.started.first).not.toBe(outcome.started.second);
    // It took the live cluster for a crashed one, and recovered it: what lesson 9 says the second server does.
    expect(outcome.secondLog).not.toContain('lock file "postmaster.pid" already exists');
    expect(outcome.secondLog).toContain("database system was not properly shut down; automatic recovery in progress");
  }, 240_000);
});
