import path from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { readLessons } from "../../server/lesson-start/lessons.ts";
import { call, direct } from "../support/bridge.ts";
import { ARTIFACTS, bothThemes, labContext, useBrowser, waitForLab } from "../support/browser.ts";

const { browser } = useBrowser();

/** One learner's browser: its tabs share localStorage, where progress is kept. */
let learner: BrowserContext;
let page: Page;

beforeAll(async () => {
  // Lesson 1's cells and lesson 3's first one run on any lab, but all four nodes must be up and answer alike.
  expect((await call("/api/lab/reset", {})).status).toBe(200);
  learner = await labContext(browser(), { viewport: { width: 1440, height: 900 } });
  page = await learner.newPage();
});

const url = (path: string) => `${inject("bridgeUrl")}${path}`;

async function open(where: Page, path: string) {
  await where.goto(url(path));
  // Attached, not visible: at 390 px the sidebar that shows it is in Starlight's closed menu.
  await waitForLab(where, { state: "attached" });
}

/** A lesson's link in the sidebar, by its title; its accessible name ends with the mark's words. */
const sidebarLesson = (where: Page, title: string) => where.locator(".sidebar-content a", { hasText: title });
const markOf = (link: Locator) => link.getAttribute("data-progress");
const nextStep = (where: Page) => where.locator(".where-to-go-on__next a");

describe("progress through the lessons", () => {
  it("Run all on lesson 1 marks it done in the sidebar, and the home page says to continue with lesson 2", async () => {
    await open(page, "/");
    await expect(nextStep(page).textContent()).resolves.toBe("Start with lesson 1: What logical replication is");
    await open(page, "/lessons/01-logical-replication/");
    const lesson1 = sidebarLesson(page, "1. What logical replication is");
    await expect(markOf(lesson1)).resolves.toBe("not-started");
    await expect(lesson1.locator(".lesson-mark").count()).resolves.toBe(0);

    await page.getByRole("button", { name: "Run all cells" }).click();
    await expect
      .poll(() => page.locator(".run-all__status").textContent(), { timeout: 30_000 })
      .toMatch(/^All 3 cells ran as expected/);
    // Live: the sidebar follows the run without a reload.
    await expect.poll(() => markOf(lesson1), { timeout: 10_000 }).toBe("done");
    await expect(page.getByRole("link", { name: "1. What logical replication is (done)" }).count()).resolves.toBe(1);
    await expect(lesson1.locator(".lesson-mark").textContent()).resolves.toBe("✓ (done)");
    await expect(markOf(sidebarLesson(page, "2. The lab and the settings that matter"))).resolves.toBe("not-started");

    await open(page, "/");
    await expect(nextStep(page).textContent()).resolves.toBe(
      "Continue with 2. The lab and the settings that matter: lesson 1 is done",
    );
    await expect(nextStep(page).getAttribute("href")).resolves.toBe("/lessons/02-settings/");
    await expect(
      page.locator(".where-to-go-on li[data-lesson='01-logical-replication.mdx'] a").getAttribute("data-progress"),
    ).resolves.toBe("done");
    await expect(markOf(sidebarLesson(page, "1. What logical replication is"))).resolves.toBe("done");
  });

  it(
    "one cell of lesson 3 puts it in progress, " + "live in this tab and another; an edited run does not count",
    async () => {
      const other = await learner.newPage();
      await open(other, "/");
      await open(page, "/lessons/03-schema/");
      const lesson3 = sidebarLesson(page, "3. The users table on every node");
      await expect(markOf(lesson3)).resolves.toBe("not-started");

      // The first cell creates the users table if it is missing: safe on any lab.
      const first = page.locator("#cell-1");
      await first.locator(".sql-cell__run").click();
      await expect.poll(() => markOf(lesson3), { timeout: 10_000 }).toBe("in-progress");
      await expect(
        page.getByRole("link", { name: "3. The users table on every node (in progress)" }).count(),
      ).resolves.toBe(1);
      await expect(lesson3.locator(".lesson-mark").textContent()).resolves.toBe("◐ (in progress)");
      // The other tab hears of it through the storage event.
      await expect
        .poll(() => nextStep(other).textContent(), { timeout: 10_000 })
        .toBe("Continue with 3. The users table on every node: 1 of 5 cells run");
      await expect(nextStep(other).getAttribute("href")).resolves.toBe("/lessons/03-schema/#cell-2");
      await expect(markOf(sidebarLesson(other, "3. The users table on every node"))).resolves.toBe("in-progress");
      await expect(
        other.locator(".where-to-go-on li[data-lesson='03-schema.mdx'] .where-to-go-on__count").textContent(),
      ).resolves.toBe("1 of 5 cells");

      // The learner's own SQL in a lesson cell is not the lesson's step.
      const second = page.locator("#cell-2");
      await second.locator("textarea").fill("SELECT 'my own' AS note");
      await second.locator(".sql-cell__run").click();
      await expect
        .poll(
          () =>
            second
              .locator(".sql-cell__output:not(.is-recorded) td")
              .first()
              .textContent()
              .catch(() => null),
          { timeout: 10_000 },
        )
        .toBe("my own");
      await open(other, "/");
      await expect(nextStep(other).textContent()).resolves.toBe(
        "Continue with 3. The users table on every node: 1 of 5 cells run",
      );
      await bothThemes(other, "progress-home-1440");
      await bothThemes(page, "progress-sidebar-1440", (file) =>
        page.locator(".sidebar-content").screenshot({ path: path.join(ARTIFACTS, `${file}.png`) }),
      );
      await other.close();
    },
  );

  it("Clear my changes on a lesson forgets its progress too", async () => {
    await open(page, "/lessons/03-schema/");
    await page.getByRole("button", { name: "Clear my changes…" }).click();
    await page.getByRole("button", { name: "Clear my changes", exact: true }).click();
    await expect.poll(() => markOf(sidebarLesson(page, "3. The users table on every node"))).toBe("not-started");
    await expect(markOf(sidebarLesson(page, "1. What logical replication is"))).resolves.toBe("done");
    await page.reload();
    await expect(page.getByRole("button", { name: "Clear my changes…" }).isVisible()).resolves.toBe(false);
    await open(page, "/");
    await expect(nextStep(page).textContent()).resolves.toBe(
      "Continue with 2. The lab and the settings that matter: lesson 1 is done",
    );
  });

  it("at 390 px the marks are in Starlight's menu, and the home page reads the same", async () => {
    const narrow = await learner.newPage();
    await narrow.setViewportSize({ width: 390, height: 844 });
    await open(narrow, "/lessons/03-schema/");
    await narrow.locator("#cell-1 .sql-cell__run").click();
    await narrow.getByRole("button", { name: "Menu" }).click();
    const lesson3 = sidebarLesson(narrow, "3. The users table on every node");
    await expect.poll(() => markOf(lesson3), { timeout: 10_000 }).toBe("in-progress");
    await expect(lesson3.locator(".lesson-mark").isVisible()).resolves.toBe(true);
    await expect(
      sidebarLesson(narrow, "1. What logical replication is").locator(".lesson-mark").isVisible(),
    ).resolves.toBe(true);
    await bothThemes(narrow, "progress-sidebar-390", (file) =>
      narrow.screenshot({ path: path.join(ARTIFACTS, `${file}.png`) }),
    );
    await open(narrow, "/");
    await expect(nextStep(narrow).textContent()).resolves.toBe(
      "Continue with 3. The users table on every node: 1 of 5 cells run",
    );
    await bothThemes(narrow, "progress-home-390");
    await narrow.close();
  });

  it("with every lesson done, the home page says so and what next, and every lesson is marked", async () => {
    const lessons = await readLessons();
    const context = await labContext(browser(), { viewport: { width: 1280, height: 900 } });
    await context.addInitScript(
      (done) => {
        for (const [file, steps] of done)
          localStorage.setItem(`replication-lab:progress:${file}`, JSON.stringify({ ran: [...Array(steps).keys()] }));
      },
      lessons.map((lesson) => [lesson.file, lesson.steps.length] as const),
    );
    const finished = await context.newPage();
    await open(finished, "/");
    await expect(finished.locator(".where-to-go-on__all-done").textContent()).resolves.toMatch(
      /^\s*All twelve lessons done\. What next: /,
    );
    await expect(finished.locator(".where-to-go-on__all-done").isVisible()).resolves.toBe(true);
    await expect(finished.locator(".where-to-go-on__next").isVisible()).resolves.toBe(false);
    await expect(finished.locator(".sidebar-content a[data-progress='done']").count()).resolves.toBe(lessons.length);
    await expect(finished.locator(".where-to-go-on li a[data-progress='done']").count()).resolves.toBe(lessons.length);
    await context.close();
  });

  it("without scripts the home page says to start with lesson 1, and lists the lessons", async () => {
    const context = await browser().newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const plain = await context.newPage();
    await plain.goto(url("/"));
    await expect(plain.locator(".where-to-go-on__next a").textContent()).resolves.toBe(
      "Start with lesson 1: What logical replication is",
    );
    await expect(plain.locator(".where-to-go-on__next a").getAttribute("href")).resolves.toBe(
      "/lessons/01-logical-replication/",
    );
    await expect(plain.locator(".where-to-go-on__all-done").isVisible()).resolves.toBe(false);
    await expect(plain.locator(".where-to-go-on li a").allTextContents()).resolves.toHaveLength(12);
    await context.close();
  });

  it("with storage refused, cells run, nothing is marked and the home page says to start with lesson 1", async () => {
    const context = await labContext(browser(), { viewport: { width: 1280, height: 900 } });
    const refusing = await context.newPage();
    await refusing.addInitScript(() => {
      Storage.prototype.setItem = () => {
        throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      };
    });
    await open(refusing, "/lessons/01-logical-replication/");
    await refusing.getByRole("button", { name: "Run all cells" }).click();
    await expect
      .poll(() => refusing.locator(".run-all__status").textContent(), { timeout: 30_000 })
      .toMatch(/^All 3 cells ran as expected/);
    await expect(markOf(sidebarLesson(refusing, "1. What logical replication is"))).resolves.toBe("not-started");
    await open(refusing, "/");
    await expect(nextStep(refusing).textContent()).resolves.toBe("Start with lesson 1: What logical replication is");
    await context.close();
  });

  it(
    "a lesson whose cells all ran is done once its state checks are met, stays done when the lab later " +
      "moves, and a step run again makes the checks count again",
    async () => {
      const context = await labContext(browser(), { viewport: { width: 1280, height: 900 } });
      const tab = await context.newPage();
      const lesson3 = () => markOf(sidebarLesson(tab, "3. The users table on every node"));
      const checklist = tab.locator("lesson-state");
      const ends = /^All \d+ cells ran as expected, and the lab is in the state this lesson builds\.$/;
      expect((await call("/api/lab/reset", {})).status).toBe(200);
      await open(tab, "/lessons/02-settings/");
      await tab.getByRole("button", { name: "Run all cells" }).click();
      await expect.poll(() => tab.locator(".run-all__status").textContent(), { timeout: 120_000 }).toMatch(ends);
      await open(tab, "/lessons/03-schema/");
      // Before any cell, the checklist finds none of what lesson 3 builds: recorded, and nothing is marked yet.
      await expect.poll(() => checklist.getAttribute("data-met"), { timeout: 15_000 }).toBe("false");
      await expect(lesson3()).resolves.toBe("not-started");
      await tab.getByRole("button", { name: "Run all cells" }).click();
      await expect.poll(() => tab.locator(".run-all__status").textContent(), { timeout: 120_000 }).toMatch(ends);
      await expect.poll(lesson3, { timeout: 15_000 }).toBe("done");

      // A second Grace on master, as a later experiment might leave: the checklist says so, the lesson stays done.
      await direct("master", "INSERT INTO users (name, email) VALUES ('Grace', 'grace@example.com')");
      await expect.poll(() => checklist.getAttribute("data-met"), { timeout: 15_000 }).toBe("false");
      await expect(lesson3()).resolves.toBe("done");
      // The learner runs a step of it again: now the checklist's verdict counts, and the lab is not where it ends.
      await tab.locator("#cell-2 .sql-cell__run").click();
      await expect.poll(lesson3, { timeout: 15_000 }).toBe("in-progress");
      // Back as the lesson leaves it: done again.
      await direct("master", "DELETE FROM users WHERE id = (SELECT max(id) FROM users)");
      await expect.poll(lesson3, { timeout: 15_000 }).toBe("done");
      await context.close();
    },
    300_000,
  );
});
