// Every lesson replayed, in order, on a lab whose master runs PostgreSQL 17 and whose followers run 18
// (LAB_PG_VERSIONS=master=17): the lab a learner starts for lesson 12's upgrade, and so the lab that the catch-up
// to a later lesson's start replays the earlier lessons on. A cell marked `needs="18"` (or `needs="master=18"`)
// is passed over there with what it needs, and every other step meets its expectation; each lesson still starts
// and ends in its declared state.
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabStatus } from "../../shared/api-types.ts";
import { unmetNeeds } from "../../shared/lessons/needs.ts";
import { runStep, type Post } from "../../shared/lessons/replay.ts";
import { readLessons } from "../../server/lesson-start/lessons.ts";
import { type StartedLab } from "../../server/start-lab.ts";
import { describeCheck } from "../../src/lib/lesson-state/checks.ts";
import { evaluateUntilMet, type JudgedCheck } from "../../src/lib/lesson-state/evaluate.ts";
import { lessonState } from "../../src/lib/lesson-state/lesson-states.ts";
import { ARTIFACTS, launch, waitForLab } from "../support/browser.ts";
import { startOwnLab } from "../support/own-lab.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "mixed-lab-lessons-token-0123456789";
const CHECK_SECONDS = 15;
/** What Run all says of the cells it passed over (RunAll.astro). */
const PASSED_OVER = "\\d+ cells need a newer PostgreSQL than this lab runs, and did not run";
const lessons = await readLessons();
let dataDir = "";
let running: StartedLab | undefined;

const post: Post = async <T>(path: string, body: unknown) => {
  const response = await fetch(`${running!.url}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const json: unknown = await response.json();
  if (response.status >= 400) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json as T;
};

function offChecks(judged: JudgedCheck[]): string[] {
  return judged.filter((result) => !result.ok).map((result) => `${describeCheck(result.check)}: ${result.off}`);
}

beforeAll(async () => {
  dataDir = await tempDir("mixed-lab-lessons");
  running = await startOwnLab(dataDir, TOKEN, { LAB_PG_VERSIONS: "master=17" });
}, 300_000);

afterAll(async () => {
  await running?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

describe("the lessons, replayed on a lab with master on 17 and the followers on 18", () => {
  it("runs master on 17 and the followers on 18", () => {
    const versions = running!.lab.status().nodes.map((node) => [node.name, node.version?.split(".")[0]]);
    expect(versions).toEqual([
      ["master", "17"],
      ["slave1", "18"],
      ["slave2", "18"],
      ["slave3", "18"],
    ]);
  });

  for (const lesson of lessons) {
    it(`${lesson.file}: passes over exactly its cells that need 18 on master, and meets every other step`, async () => {
      const state = lessonState(Number(lesson.file.slice(0, 2)));
      expect(offChecks(await evaluateUntilMet(state.start, post, CHECK_SECONDS)), "start state").toEqual([]);
      const lab: LabStatus = running!.lab.status();
      const passedOver: number[] = [];
      for (const [i, step] of lesson.steps.entries()) {
        const outcome = await runStep(step, running!.lab.status(), post);
        expect(outcome.met, `${lesson.file}, step ${i + 1}:\n${outcome.what}\n${outcome.reason}`).toBe(true);
        if (outcome.skipped) {
          expect(outcome.skipped).toMatch(/^needs PostgreSQL \d+ on master, which runs 17 here$/);
          passedOver.push(i + 1);
        }
      }
      // The steps passed over are exactly those whose needs this lab doesn't meet, and no other.
      const lacking = lesson.steps.flatMap((step, i) =>
        step.kind === "sql" && unmetNeeds(step.needs, lab).length > 0 ? [i + 1] : [],
      );
      expect(passedOver).toEqual(lacking);
      expect(offChecks(await evaluateUntilMet(state.end, post, CHECK_SECONDS)), "end state").toEqual([]);
    }, 240_000);
    // Lesson 10 leaves the lab where it starts: the page's Run all can run it again, as a learner would.
    if (lesson.file.startsWith("10-"))
      it("lesson 10's page says what its 18-only cells need, and Run all passes over them", pageOfLesson10, 180_000);
  }

  it("passes over lesson 10's generated-columns cells, which need 18 on master", () => {
    const lesson10 = lessons.find((lesson) => lesson.file.startsWith("10-"))!;
    const lab = running!.lab.status();
    const passed = lesson10.steps.filter((step) => step.kind === "sql" && unmetNeeds(step.needs, lab).length > 0);
    expect(passed.length).toBeGreaterThanOrEqual(5);
    expect(passed.some((step) => step.kind === "sql" && step.code.includes("publish_generated_columns"))).toBe(true);
  });
});

/**
 * Lesson 10 in chromium on this lab: the generated-columns cell says it needs 18 on master, which runs 17; Run all
 * runs the lesson, counting the cells it passed over, and the cell shows why it was not run. Screenshots of that
 * cell at 1440 and 390 px go to test-artifacts/needs-cell-<width>.png.
 */
async function pageOfLesson10(): Promise<void> {
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${running!.url}/lessons/10-choosing-what-travels/#lab-token=${TOKEN}`);
    await waitForLab(page, { state: "attached", timeout: 30_000 });
    const cell = page.locator("sql-cell", { hasText: "publish_generated_columns = stored" }).first();
    await expect(cell.locator(".sql-cell__needs-badge").textContent()).resolves.toBe("PostgreSQL 18+");
    const note = cell.locator(".sql-cell__needs");
    await note.waitFor({ state: "visible", timeout: 15_000 });
    expect(await note.locator(".sql-cell__needs-text").textContent()).toBe(
      "This cell needs PostgreSQL 18 on master, which runs 17 here: Run all passes over it.",
    );
    await page.locator(".run-all__button").click();
    await expect
      .poll(() => page.locator(".run-all__status").textContent(), { timeout: 150_000, interval: 500 })
      .toMatch(new RegExp(`^All \\d+ cells ran as expected \\(${PASSED_OVER}\\), and the lab is in the state`));
    expect(await cell.locator(".cell-needs").textContent()).toMatch(
      /^Not run: this cell needs PostgreSQL 18 on master, which runs 17 here\./,
    );
    await fs.mkdir(ARTIFACTS, { recursive: true });
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await cell.scrollIntoViewIfNeeded();
      const box = (await cell.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      await cell.screenshot({ path: path.join(ARTIFACTS, `needs-cell-${width}.png`) });
    }
  } finally {
    await browser.close();
  }
}
