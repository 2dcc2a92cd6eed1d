// Workshop mode in a real browser: three attendees join a hub (the local provider, labs from a warm pool) in
// three browser contexts, each runs lessons 3 to 5 on a lab of their own and sees only their own rows; one
// restarts a node from the lab page without touching the others' labs; the hub restarts on the same folder and
// port, and all three carry on with their sessions and data.
import fs from "node:fs/promises";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RunningHub } from "../../server/workshop/serve.ts";
import { testHub } from "../support/hub-client.ts";
import { ARTIFACTS, useBrowser } from "../support/browser.ts";
import { tempDir } from "../support/temp-dir.ts";
import { localProvider } from "../support/workshop-labs.ts";
import { endTestWorkshop } from "../support/workshop-page.ts";

const { browser } = useBrowser();
const NAMES = ["Ada", "Bo", "Cy"] as const;
const LESSONS = ["/lessons/03-schema/", "/lessons/04-publication/", "/lessons/05-subscriptions/"];
/** Lesson 5's cell that writes a row on master (its 16th, the subscriber health checks counted) and the next one,
 * which reads users on every node. */
const INSERT_CELL = 15;
const READ_ALL_CELL = 16;

let dir: string;
let hub: RunningHub;
let port = 0;
let provider: Awaited<ReturnType<typeof localProvider>>;
const contexts: BrowserContext[] = [];
const pages: Page[] = [];

/** The hub on `dir`, on the port of the first start: the pages' CSRF tokens are kept per origin, port included. */
async function startHub(): Promise<RunningHub> {
  provider = await localProvider(dir, { maxLabs: 4, poolSize: 3 });
  return testHub({ workshopDir: dir, provider, port });
}

const base = () => `http://127.0.0.1:${port}`;
const cell = (page: Page, n: number) => page.locator("sql-cell").nth(n);
/** A cell's live output: before it runs, a cell may show the answer recorded when the lessons were replayed. */
const output = (page: Page, n: number) => cell(page, n).locator(".sql-cell__output:not(.is-recorded)");

async function open(page: Page, address: string): Promise<void> {
  await page.goto(`${base()}${address}`);
  await page.locator(".lab-status.compact [data-node='master'][data-state='up']").waitFor({ timeout: 60_000 });
}

/** Runs cell n by its Run button and waits until it has an answer and has stopped running (re-runs included). */
async function run(page: Page, n: number): Promise<void> {
  await cell(page, n).locator(".sql-cell__run").click();
  await output(page, n).locator(".cell-node-output").first().waitFor({ timeout: 30_000 });
  await expect
    .poll(() => cell(page, n).evaluate((el) => el.classList.contains("is-running")), { timeout: 30_000 })
    .toBe(false);
}

/** Runs every cell of a lesson in order; a cell with an expectation must show it met. */
async function runLesson(page: Page, address: string): Promise<void> {
  await open(page, address);
  const count = await page.locator("sql-cell").count();
  expect(count).toBeGreaterThan(0);
  for (let n = 0; n < count; n++) {
    await run(page, n);
    const missed = await output(page, n).locator(".cell-verdict--missed").allTextContents();
    expect(missed, `${address} cell ${n + 1}`).toEqual([]);
  }
}

/**
 * What the attendee sees at a width: the top of the lesson, and the cells with their own row. Screenshots of the
 * viewport, not the full page, whose sticky header a full-page capture paints again halfway down.
 */
async function lessonScreenshot(page: Page, size: { width: number; height: number }, name: string): Promise<void> {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.setViewportSize(size);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-top.png`) });
  await cell(page, INSERT_CELL).scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-own-row.png`) });
}

/** Runs lesson 5's INSERT cell with the attendee's own name in it. */
async function insertOwnRow(page: Page, name: string): Promise<void> {
  const insert = cell(page, INSERT_CELL).locator("textarea");
  await expect(insert.inputValue()).resolves.toContain("INSERT INTO users");
  await insert.fill(`INSERT INTO users (name, email) VALUES ('${name}', 'own@example.com') RETURNING id, name;`);
  await run(page, INSERT_CELL);
  await expect(output(page, INSERT_CELL).textContent()).resolves.toContain(name);
}

/** Re-runs lesson 5's read of users on every node until it shows `text`, and gives what it shows. */
async function readAllUntil(page: Page, text: string): Promise<string> {
  let shown = "";
  await expect
    .poll(
      async () => {
        await run(page, READ_ALL_CELL);
        shown = (await output(page, READ_ALL_CELL).textContent()) ?? "";
        return shown.includes(text) && shown.includes("Same answer on master, slave1, slave2, slave3");
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  return shown;
}

beforeAll(async () => {
  dir = await tempDir("workshop-e2e");
  hub = await startHub();
  port = hub.port;
  // Attendees join from the warm pool, as in a workshop whose hub was started ahead of the class.
  await vi.waitFor(() => expect(provider.status().ready).toBe(3), { timeout: 300_000, interval: 200 });
  for (let i = 0; i < NAMES.length; i++) {
    const context = await browser().newContext({ viewport: { width: 1440, height: 900 } });
    contexts.push(context);
    pages.push(await context.newPage());
  }
}, 400_000);

afterAll(() => endTestWorkshop(dir, hub, contexts), 120_000);

describe("three attendees in three browsers", () => {
  it(
    "each joins with the join URL, the code and a display name, and lands in the " + "lessons with a lab of their own",
    async () => {
      for (const [i, page] of pages.entries()) {
        await page.goto(`${base()}/join?code=${hub.joinCode}`);
        await expect(page.locator("input[name=code]").inputValue()).resolves.toBe(hub.joinCode);
        await page.fill("#name", NAMES[i]!);
        await page.click("button[type=submit]");
        await page.locator(".lab-status.compact [data-node='master'][data-state='up']").waitFor({ timeout: 60_000 });
      }
      const me = await Promise.all(
        pages.map((page) => page.evaluate(async () => (await fetch("/workshop/me")).json())),
      );
      expect(me.map((who) => who.name)).toEqual([...NAMES]);
      expect(new Set(me.map((who) => who.lab)).size).toBe(3);
    },
    180_000,
  );

  it("each runs lessons 3 to 5 at the same time, every expectation met", async () => {
    await Promise.all(
      pages.map(async (page) => {
        for (const lesson of LESSONS) await runLesson(page, lesson);
      }),
    );
  }, 600_000);

  it(
    "sees only their own results: a row only Ada inserted is absent from Bo's and " +
      "Cy's pages, and theirs from hers",
    async () => {
      // Lesson 5 ends with users emptied; each writes a row of their own with lesson 5's INSERT cell, edited.
      for (const [i, page] of pages.entries()) await insertOwnRow(page, `Only ${NAMES[i]}`);
      for (const [i, page] of pages.entries()) {
        // Each row replicates to its own lab's three followers, and only there.
        const text = await readAllUntil(page, `Only ${NAMES[i]}`);
        for (const other of NAMES.filter((name) => name !== NAMES[i])) expect(text).not.toContain(`Only ${other}`);
      }
      const ada = pages[0]!;
      await lessonScreenshot(ada, { width: 1440, height: 900 }, "workshop-lesson-05-1440");
      await lessonScreenshot(ada, { width: 390, height: 844 }, "workshop-lesson-05-390");
      await ada.setViewportSize({ width: 1440, height: 900 });
    },
    180_000,
  );

  it("Ada restarts slave3 from the lab page; Bo's and Cy's slave3 stay up and answer throughout", async () => {
    const [ada, bo, cy] = pages as [Page, Page, Page];
    const panel = ".lab-status:not(.compact)";
    for (const page of pages) await open(page, "/lab/");
    const slave3 = (page: Page) => page.locator(`${panel} [data-node="slave3"]`);
    await ada.getByRole("button", { name: "Stop slave3" }).click();
    await slave3(ada).and(ada.locator("[data-state='down']")).waitFor({ timeout: 30_000 });
    for (const page of [bo, cy]) {
      await expect(slave3(page).getAttribute("data-state")).resolves.toBe("up");
      const answer = await page.evaluate(async () => {
        const token = localStorage.getItem("replication-lab:token");
        const response = await fetch("/api/query", {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ node: "slave3", sql: "SELECT name FROM users" }),
        });
        return response.json();
      });
      expect(answer.error).toBeUndefined();
      expect(answer.results[0].rows).toEqual([[`Only ${NAMES[pages.indexOf(page)]}`]]);
    }
    await ada.getByRole("button", { name: "Start slave3" }).click();
    await slave3(ada).and(ada.locator("[data-state='up']")).waitFor({ timeout: 30_000 });
  }, 120_000);

  it(
    "the hub restarts on the same folder and port: all three carry on with their " + "sessions, labs and data",
    async () => {
      await hub.close();
      hub = await startHub();
      expect(hub.port).toBe(port);
      const me = await Promise.all(
        pages.map(async (page) => {
          await open(page, LESSONS[2]!);
          return page.evaluate(async () => (await fetch("/workshop/me")).json());
        }),
      );
      expect(me.map((who) => who.name)).toEqual([...NAMES]);
      for (const [i, page] of pages.entries()) {
        await run(page, READ_ALL_CELL);
        const text = (await output(page, READ_ALL_CELL).textContent()) ?? "";
        expect(text).toContain(`Only ${NAMES[i]}`);
        for (const other of NAMES.filter((name) => name !== NAMES[i])) expect(text).not.toContain(`Only ${other}`);
      }
      // They carry on: Bo writes another row after the restart, and it replicates on his lab.
      await insertOwnRow(pages[1]!, "Bo after the restart");
      await readAllUntil(pages[1]!, "Bo after the restart");
    },
    240_000,
  );
});
