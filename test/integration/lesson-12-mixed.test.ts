// Lesson 12 on the lab it is written for: master on PostgreSQL 17, the followers on 18 (LAB_PG_VERSIONS=master=17;
// 17 is installed from npm during the test, as on a learner's first start). The bridge brings the lab to lesson
// 12's start, as a learner's "start here" does, then every step of lesson 12 runs through the bridge as the page
// runs it: the upgrade from 17 to 18, the standby of the 17 master with its failover slot, the promotion, and the
// tidy-up. Each state check the lesson declares holds after the cell it names, and its end state at the end.
import fs from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import type { LabStatus, LessonStartProgress } from "../../shared/api-types.ts";
import { runStep, type Post } from "../../shared/lessons/replay.ts";
import { readLessons } from "../../server/lesson-start/lessons.ts";
import { type StartedLab } from "../../server/start-lab.ts";
import { describeCheck } from "../../src/lib/lesson-state/checks.ts";
import { evaluateUntilMet, type JudgedCheck } from "../../src/lib/lesson-state/evaluate.ts";
import { lessonState } from "../../src/lib/lesson-state/lesson-states.ts";
import { startOwnLab } from "../support/own-lab.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "lesson-12-mixed-token-0123456789";
const LESSON = 12;
/** Replication needs a moment to reach the followers, as the cells' `within` allows. */
const CHECK_SECONDS = 15;
let dataDir = "";
let running: StartedLab | undefined;

afterAll(async () => {
  await running?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

async function call<T>(path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${running!.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as T };
}

const post: Post = async <T>(path: string, body: unknown) => {
  const { status, json } = await call<T>(path, body);
  if (status >= 400) throw new Error(`${path} answered ${status}: ${JSON.stringify(json)}`);
  return json;
};

function offChecks(judged: JudgedCheck[]): string[] {
  return judged.filter((result) => !result.ok).map((result) => `${describeCheck(result.check)}: ${result.off}`);
}

async function lessonStartDone(): Promise<LessonStartProgress> {
  for (;;) {
    const { json } = await call<{ progress: LessonStartProgress }>("/api/lab/lesson-start");
    if (json.progress.phase === "done" || json.progress.phase === "failed") return json.progress;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe("lesson 12 on a lab of master 17 and followers 18", () => {
  it("starts from its declared state, every step meets its expectation, and ends in its declared state", async () => {
    dataDir = await tempDir("lesson-12-mixed");
    running = await startOwnLab(dataDir, TOKEN, { LAB_PG_VERSIONS: "master=17" }, { ports: 5 });
    let lab = (await call<LabStatus>("/api/lab")).json;
    expect(lab.nodes.map((node) => node.version?.split(".")[0])).toEqual(["17", "18", "18", "18"]);

    expect((await call("/api/lab/lesson-start", { lesson: LESSON })).status).toBe(202);
    const progress = await lessonStartDone();
    expect(progress.phase, JSON.stringify(progress)).toBe("done");

    const lesson = (await readLessons()).find((found) => Number(found.file.slice(0, 2)) === LESSON)!;
    const state = lessonState(LESSON);
    expect(offChecks(await evaluateUntilMet(state.start, post, CHECK_SECONDS)), "start state").toEqual([]);
    for (const [i, step] of lesson.steps.entries()) {
      const outcome = await runStep(step, lab, post);
      expect(outcome.what, `step ${i + 1} has an unfilled placeholder`).not.toMatch(/\{\{/);
      expect(outcome.met, `step ${i + 1}:\n${outcome.what}\n${outcome.reason}`).toBe(true);
      // The standby, once made, is in the lab's status: the cells after it fill in {{standby}}.
      if (step.kind === "action") lab = (await call<LabStatus>("/api/lab")).json;
      const made = state.end.filter((check) => check.cell === i + 1);
      expect(offChecks(await evaluateUntilMet(made, post, CHECK_SECONDS)), `after cell ${i + 1}`).toEqual([]);
    }
    expect(offChecks(await evaluateUntilMet(state.end, post, CHECK_SECONDS)), "end state").toEqual([]);

    // The standby ran master's major, 17, and was promoted; a reset removes it and leaves the four nodes.
    const nodes: LabStatus["nodes"] = (await call<LabStatus>("/api/lab")).json.nodes;
    const standby = nodes.find((node) => node.name === "standby");
    expect(standby).toMatchObject({ state: "up" });
    expect(standby?.version?.split(".")[0]).toBe("17");
    const reset = await call<LabStatus>("/api/lab/reset", {});
    expect(reset.json.nodes.map((node) => node.name)).toEqual(["master", "slave1", "slave2", "slave3"]);
  }, 900_000);
});
