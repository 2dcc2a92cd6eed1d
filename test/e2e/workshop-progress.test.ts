// Issue 14's progress reports from a real attendee's page: lesson 3's cells run in chromium on a page the hub
// served, and the hub's GET /workshop/me/progress then lists each step as run and its expectation as met; a step
// that errors is stored with its SQLSTATE, its message and the SQL. The single-user site posts nothing.
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { RunningHub } from "../../server/workshop/serve.ts";
import type { StoredProgressEvent } from "../../shared/progress-events.ts";
import { labPage, useBrowser } from "../support/browser.ts";
import { endTestWorkshop, sqlFrom, startBrowserWorkshop } from "../support/workshop-page.ts";

const { browser } = useBrowser();
const LESSON = "/lessons/03-schema/";

let dir: string;
let hub: RunningHub;
let context: BrowserContext | undefined;

const base = () => `http://127.0.0.1:${hub.port}`;

async function waitForLab(page: Page): Promise<void> {
  await page.locator(".lab-status.compact [data-node='master'][data-state='up']").waitFor({ timeout: 60_000 });
}

/** The attendee's own events, as the hub lists them to their session. */
function progressOf(page: Page): Promise<StoredProgressEvent[]> {
  return page.evaluate(async () => {
    const response = await fetch("/workshop/me/progress");
    return ((await response.json()) as { events: StoredProgressEvent[] }).events;
  });
}

/** The lesson's cells' steps, 1-based as the events count them (a cell's data-key counts from 0). */
const cellSteps = (page: Page) =>
  page
    .locator("sql-cell[data-key]")
    .evaluateAll((cells) => cells.map((cell) => Number((cell as HTMLElement).dataset["key"]!.split("#")[1]) + 1));

beforeAll(async () => {
  ({ dir, hub } = await startBrowserWorkshop("workshop-progress-e2e", 1));
}, 400_000);

afterAll(() => endTestWorkshop(dir, hub, [context]), 120_000);

describe("an attendee's progress on the hub", () => {
  let page: Page;

  it("lists each of lesson 3's steps as run, with its expectation met, after Run all", async () => {
    context = await browser().newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    await page.goto(`${base()}/join?code=${hub.joinCode}`);
    await page.fill("#name", "Ada");
    await page.click("button[type=submit]");
    await waitForLab(page);
    await page.goto(`${base()}${LESSON}`);
    await waitForLab(page);
    const refused: number[] = [];
    page.on("response", (response) => {
      if (response.url().endsWith("/workshop/progress") && response.status() !== 201) refused.push(response.status());
    });
    await page.getByRole("button", { name: "Run all cells" }).click();
    await expect
      .poll(() => page.locator(".run-all__status").textContent(), { timeout: 120_000 })
      .toMatch(/^All \d+ cells ran as expected/);
    const steps = await cellSteps(page);
    expect(steps.length).toBeGreaterThanOrEqual(5);
    // The reports are fire-and-forget: wait until the last one arrived.
    await expect
      .poll(async () => (await progressOf(page)).filter((event) => event.kind === "expectation").length, {
        timeout: 30_000,
      })
      .toBe(steps.length);
    // Every report was taken: none refused for its shape or its rate.
    expect(refused).toEqual([]);
    const events = await progressOf(page);
    // Reports are separate requests, so the hub may take two of them in either order: compare by step.
    const byStep = (a: StoredProgressEvent, b: StoredProgressEvent) => a.step! - b.step!;
    const ran = events
      .filter((event) => event.kind === "ran")
      .sort(byStep)
      .map((event) => event.step);
    expect(ran).toEqual(steps);
    // Each run carries a short text of what it gave (the instructor's view of the attendee shows it).
    const outputs = events.filter((event) => event.kind === "ran").map((event) => event.output ?? "");
    expect(outputs.filter((output) => output.length === 0)).toEqual([]);
    // A cell run on several nodes names each node before its answer.
    expect(outputs.join("\n")).toMatch(/^-- master\nCREATE TABLE$/m);
    const judged = events.filter((event) => event.kind === "expectation").sort(byStep);
    expect(judged.map((event) => [event.lesson, event.step, event.met])).toEqual(
      steps.map((step) => ["03-schema", step, true]),
    );
    expect(judged[0]!.sql).toContain("CREATE TABLE IF NOT EXISTS users");
    expect(judged.every((event) => event.sqlstate === undefined)).toBe(true);
  }, 240_000);

  it("stores a step that errors with its SQLSTATE, message and SQL", async () => {
    // The lesson's INSERT fails once its table is gone: the step's own SQL, judged, with PostgreSQL's error.
    const dropped = await sqlFrom(page, "DROP TABLE users CASCADE");
    expect(dropped.error).toBeUndefined();
    const insert = page.locator("sql-cell[data-key]").filter({ hasText: "INSERT INTO users" });
    const step = Number((await insert.getAttribute("data-key"))!.split("#")[1]) + 1;
    await insert.locator(".sql-cell__run").click();
    await expect
      .poll(async () => (await progressOf(page)).find((event) => event.kind === "expectation" && !event.met), {
        timeout: 30_000,
      })
      .toMatchObject({
        lesson: "03-schema",
        step,
        met: false,
        sqlstate: "42P01",
        message: expect.stringContaining('relation "users" does not exist'),
        sql: expect.stringContaining("INSERT INTO users"),
      });
  }, 60_000);
});

describe("the single-user site", () => {
  it("posts no progress report when a lesson's cell runs", async () => {
    const single = await labPage(browser());
    const posted: string[] = [];
    single.on("request", (request) => posted.push(new URL(request.url()).pathname));
    await single.goto(`${inject("bridgeUrl")}${LESSON}`);
    await waitForLab(single);
    // \dt only reads: the shared lab of the other tests is left as it was.
    const listing = single.locator("sql-cell[data-key]").filter({ hasText: "\\dt" });
    await listing.locator(".sql-cell__run").click();
    await expect.poll(() => listing.locator(".sql-cell__output").textContent(), { timeout: 30_000 }).toContain("users");
    await single.waitForLoadState("networkidle");
    expect(posted).toContain("/api/query");
    expect(posted.filter((path) => path.startsWith("/workshop"))).toEqual([]);
    await single.close();
  }, 60_000);
});
