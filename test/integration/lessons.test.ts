// Lessons are executable specs: on a fresh lab, every cell of every lesson runs in order through the bridge,
// exactly as the page would run it, and must meet its expectation.
import fs from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { LabStatus } from "../../shared/api-types.ts";
import { describeCheck } from "../../src/lib/lesson-state/checks.ts";
import { evaluateUntilMet, type JudgedCheck } from "../../src/lib/lesson-state/evaluate.ts";
import { lessonState } from "../../src/lib/lesson-state/lesson-states.ts";
import { runStep, type Post } from "../../shared/lessons/replay.ts";
import { PROJECT_ROOT } from "../../server/config.ts";
import { call } from "../support/bridge.ts";
import { readLessons } from "../../server/lesson-start/lessons.ts";

const lessons = await readLessons();

const post: Post = async <T>(path: string, body: unknown) => {
  const { status, json } = await call(path, body);
  if (status >= 400) throw new Error(`${path} answered ${status}: ${JSON.stringify(json)}`);
  return json as T;
};

/** Replication needs a moment to reach the followers, as the cells' `within` allows. */
const CHECK_SECONDS = 15;

/** The checks that are off, each as "what it asks: what is off", for a readable failure. */
function offChecks(judged: JudgedCheck[]): string[] {
  return judged.filter((result) => !result.ok).map((result) => `${describeCheck(result.check)}: ${result.off}`);
}

describe("the lessons, replayed on a fresh lab", () => {
  let lab: LabStatus;
  beforeAll(async () => {
    const reset = await call("/api/lab/reset", {});
    expect(reset.status).toBe(200);
    lab = reset.json;
  });

  it("has lessons 1 to 12, in order, each with cells", () => {
    expect(lessons.map((lesson) => lesson.file.slice(0, 2))).toEqual([
      "01",
      "02",
      "03",
      "04",
      "05",
      "06",
      "07",
      "08",
      "09",
      "10",
      "11",
      "12",
    ]);
    for (const lesson of lessons) expect(lesson.steps.filter((step) => step.kind === "sql").length).toBeGreaterThan(0);
  });

  it("lesson 3 runs the project's sql/init.sql, word for word", async () => {
    const init = await fs.readFile(path.join(PROJECT_ROOT, "sql/init.sql"), "utf8");
    const statements = init.replace(/^--.*$/gm, "").trim();
    const first = lessons[2]!.steps[0]!;
    expect(first.kind === "sql" && first.code.trim()).toBe(statements);
  });

  for (const lesson of lessons) {
    it(
      `${lesson.file}: starts from its declared state, every step meets its expectation, and it ends in ` +
        `its declared state`,
      async () => {
        const state = lessonState(Number(lesson.file.slice(0, 2)));
        expect(
          offChecks(await evaluateUntilMet(state.start, post, CHECK_SECONDS)),
          `${lesson.file} start state`,
        ).toEqual([]);
        for (const [i, step] of lesson.steps.entries()) {
          const outcome = await runStep(step, lab, post);
          // A lab action may add a node (lesson 12's standby), whose {{standby}} the cells after it fill in.
          if (step.kind === "action") lab = (await call("/api/lab")).json as LabStatus;
          expect(outcome.what, `step ${i + 1} has an unfilled placeholder`).not.toMatch(/\{\{/);
          expect(outcome.met, `${lesson.file}, step ${i + 1}:\n${outcome.what}\n${outcome.reason}`).toBe(true);
          // Each check the lesson says this cell makes true holds once it ran: the fix the page offers works.
          const made = state.end.filter((check) => check.cell === i + 1);
          expect(
            offChecks(await evaluateUntilMet(made, post, CHECK_SECONDS)),
            `${lesson.file}, after cell ${i + 1}`,
          ).toEqual([]);
        }
        expect(offChecks(await evaluateUntilMet(state.end, post, CHECK_SECONDS)), `${lesson.file} end state`).toEqual(
          [],
        );
      },
      240_000,
    );
  }
});
