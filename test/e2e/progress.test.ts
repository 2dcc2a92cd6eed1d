import fs from "node:fs/promises";
import path from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { PROJECT_ROOT } from "../../server/config.ts";
import { lessonsFromSources } from "../../shared/lessons/lesson-files.ts";
import { call, direct } from "../support/bridge.ts";
import { ARTIFACTS, labPage, screenshot, useBrowser } from "../support/browser.ts";

const { browser } = useBrowser();

/** One learner's browser: its tabs share localStorage, where progress is kept. */
let learner: BrowserContext;
let page: Page;

beforeAll(async () => {
  // Lesson 1's cells and lesson 3's first one run on any lab, but all four nodes must be up and answer alike.
  expect((await call("/api/lab/reset", {})).status).toBe(200);
  learner = await labContext({ viewport: { width: 1440, height: 900 } });
  page = await learner.newPage();
});

const url = (path: string) => `${inject("bridgeUrl")}${path}`;

async function open(where: Page, path: string) {
  await where.goto(url(path));
  // Attached, not visible: at 390 px the sidebar that shows it is in Starlight's closed menu.
  await where.locator(".lab-status.compact [data-node='master'][data-state='up']").waitFor({ state: "attached" });
}

/** A lesson's link in the sidebar, by its title; its accessible name ends with the mark's words. */
const sidebarLesson = (where: Page, title: string) => where.locator(".sidebar-content a", { hasText: title });
const markOf = (link: Locator) => link.getAttribute("data-progress");
const nextStep = (where: Page) => where.locator(".where-to-go-on__next a");

/** Screenshots in light and dark, as the learner's system asks (Starlight's theme follows it by default). */
async function bothThemes(
  where: Page,
  name: string,
  shoot: (file: string) => Promise<unknown> = (file) => screenshot(where, file),
) {
  for (const scheme of ["light", "dark"] as const) {
    await where.emulateMedia({ colorScheme: scheme });
    await expect.poll(() => where.evaluate(() => document.documentElement.dataset["theme"])).toBe(scheme);
    await shoot(`${name}-${scheme}`);
  }
  await where.emulateMedia({ colorScheme: "light" });
}

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
    const lessons = lessonsFromSources(await lessonSources());
    const context = await labContext({ viewport: { width: 1280, height: 900 } });
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
      /^\s*All nine lessons done\. What next: /,
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
    await expect(plain.locator(".where-to-go-on li a").allTextContents()).resolves.toHaveLength(9);
    await context.close();
  });

  it("with storage refused, cells run, nothing is marked and the home page says to start with lesson 1", async () => {
    const context = await labContext({ viewport: { width: 1280, height: 900 } });
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
      const context = await labContext({ viewport: { width: 1280, height: 900 } });
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

async function lessonSources(): Promise<Record<string, string>> {
  const folder = path.join(PROJECT_ROOT, "src/content/docs/lessons");
  const files = (await fs.readdir(folder)).filter((file) => file.endsWith(".mdx"));
  return Object.fromEntries(
    await Promise.all(files.map(async (file) => [file, await fs.readFile(path.join(folder, file), "utf8")] as const)),
  );
}

/**
 * A browser profile of its own (its own localStorage) holding the lab's key, as labPage's pages do, for several tabs.
 */
async function labContext(options: Parameters<Browser["newContext"]>[0]): Promise<BrowserContext> {
  const context = await browser().newContext(options);
  await context.addInitScript(
    ({ origin, token }) => {
      if (location.origin === origin) localStorage.setItem("replication-lab:token", token);
    },
    { origin: new URL(inject("bridgeUrl")).origin, token: inject("token") },
  );
  return context;
}

describe("deep links to a lesson's steps", () => {
  it("every step of every lesson has the id cell-N, in order, and a #N link to itself", async () => {
    for (const lesson of lessonsFromSources(await lessonSources())) {
      const html = await (await fetch(url(`/lessons/${lesson.file.replace(/\.mdx$/, "")}/`))).text();
      const ids = [...html.matchAll(/<(sql-cell|lab-action)\b[^>]*\bid="(cell-\d+)"/g)].map((match) => match[2]);
      expect(ids, lesson.file).toEqual(lesson.steps.map((_, i) => `cell-${i + 1}`));
      const anchors = [...html.matchAll(/<a class="step-anchor" href="#(cell-\d+)"/g)].map((match) => match[1]);
      expect(anchors, lesson.file).toEqual(ids);
      // Lab actions carry their step key, as cells do: progress is kept by it.
      const keys = [...html.matchAll(/<lab-action\b[^>]*\bid="cell-(\d+)"[^>]*data-key="([^"]+)"/g)].map((match) => [
        match[2],
        `${lesson.file}#${Number(match[1]) - 1}`,
      ]);
      for (const [key, expected] of keys) expect(key).toBe(expected);
      expect(keys.length, lesson.file).toBe(lesson.steps.filter((step) => step.kind === "action").length);
    }
  });

  for (const viewport of [
    { width: 1440, height: 900 },
    { width: 390, height: 844 },
  ]) {
    it(
      `/lessons/03-schema/#cell-4 opens at that cell, below the sticky header, outlined for a moment ` +
        `(${viewport.width} px)`,
      async () => {
        const linked = await labPage(browser(), { viewport, hasTouch: viewport.width < 500 });
        await linked.goto(url("/lessons/03-schema/#cell-4"));
        const target = linked.locator("#cell-4");
        await expect.poll(() => target.getAttribute("class")).toContain("is-flashed");
        await expect(target.evaluate((el) => getComputedStyle(el).animationName)).resolves.toBe("lab-target-flash");
        await expect.poll(() => inViewBelowHeader(linked, target)).toBe(true);
        // Its link shows without hover, on a touch screen too.
        await expect(target.locator(".step-anchor").isVisible()).resolves.toBe(true);
        await expect(target.locator(".step-anchor").textContent()).resolves.toContain("#4");
        await bothThemes(linked, `progress-deep-link-${viewport.width}`, async (file) => {
          await target.evaluate((el) => {
            el.classList.remove("is-flashed");
            void (el as HTMLElement).offsetWidth;
            el.classList.add("is-flashed");
          });
          await linked.screenshot({ path: path.join(ARTIFACTS, `${file}.png`) });
        });
        // The outline fades and goes.
        await expect.poll(() => target.getAttribute("class"), { timeout: 5000 }).not.toContain("is-flashed");

        // A hash change within the page lands and outlines the same way, headings included.
        await linked.evaluate(() => (location.hash = "#cell-2"));
        await expect.poll(() => linked.locator("#cell-2").getAttribute("class")).toContain("is-flashed");
        await expect.poll(() => inViewBelowHeader(linked, linked.locator("#cell-2"))).toBe(true);
        const heading = linked.locator(".sl-markdown-content h2").first();
        const id = await heading.getAttribute("id");
        await linked.evaluate((hash) => (location.hash = hash), `#${id}`);
        await expect
          .poll(() => heading.locator("xpath=..").getAttribute("class"))
          .toContain("sl-heading-wrapper level-h2 is-flashed");
        await expect.poll(() => inViewBelowHeader(linked, heading)).toBe(true);

        // A step's own #N link goes to it.
        await linked.locator("#cell-5 .step-anchor").click();
        await expect.poll(() => linked.evaluate(() => location.hash)).toBe("#cell-5");
        await expect.poll(() => linked.locator("#cell-5").getAttribute("class")).toContain("is-flashed");

        await linked.close();
      },
    );
  }

  it("the target stays below the header while content above it grows after the page loaded", async () => {
    const linked = await labPage(browser(), { viewport: { width: 1280, height: 900 } });
    await linked.addInitScript(() => {
      // What a live part of a lesson does once its data arrives (the live monitor's chart, a server log's lines):
      // content above the target grows after the page loaded. Timed in the page, so a busy machine can't delay it.
      addEventListener("load", () => {
        setTimeout(() => {
          const late = Object.assign(document.createElement("div"), { className: "late-content" });
          late.style.height = "600px";
          document.querySelector("#cell-1")!.before(late);
        }, 300);
      });
    });
    await linked.goto(url("/lessons/03-schema/#cell-4"));
    const target = linked.locator("#cell-4");
    await linked.locator(".late-content").waitFor({ state: "attached" });
    await expect.poll(() => inViewBelowHeader(linked, target)).toBe(true);
    // Once the learner scrolls, the page is theirs: it no longer moves back.
    await linked.mouse.wheel(0, 300);
    await linked.evaluate(() =>
      document.querySelector<HTMLElement>(".late-content")!.style.setProperty("height", "1500px"),
    );
    await expect.poll(() => inViewBelowHeader(linked, target)).toBe(false);
    await linked.close();
  });

  it("with reduced motion the outline shows without fading, then goes", async () => {
    const still = await labPage(browser(), { viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
    await still.goto(url("/lessons/03-schema/#cell-4"));
    const target = still.locator("#cell-4");
    await expect.poll(() => target.getAttribute("class")).toContain("is-flashed");
    const style = await target.evaluate((el) => ({
      animation: getComputedStyle(el).animationName,
      outline: getComputedStyle(el).outlineStyle,
    }));
    expect(style).toEqual({ animation: "none", outline: "solid" });
    await expect.poll(() => target.getAttribute("class"), { timeout: 5000 }).not.toContain("is-flashed");
    await still.close();
  });
});

/**
 * Whether the element's top is just below Starlight's sticky header (and, on a narrow screen, its "On this page"
 * bar, which sticks below the header): not under them, and not further down than the page's scroll padding and the
 * step's scroll margin put it, so a cell pushed down by the answers drawn above it after the first scroll fails.
 */
async function inViewBelowHeader(where: Page, element: Locator): Promise<boolean> {
  const box = await element.boundingBox();
  const covered = await where.evaluate(() =>
    Math.max(
      ...[...document.querySelectorAll("header.header, mobile-starlight-toc nav")]
        .map((bar) => bar.getBoundingClientRect())
        .filter((r) => r.height > 0)
        .map((r) => r.bottom),
      0,
    ),
  );
  return box !== null && box.y >= covered && box.y <= covered + 48;
}
