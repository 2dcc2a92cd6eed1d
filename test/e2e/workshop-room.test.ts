// Issue 14's instructor's room in a browser against a real hub with real labs: the instructor logs in and opens
// the room from the instructor's page; two attendees report progress (by HTTP, as their pages do); the grid, the
// per-column counts and the stuck list show exactly that, live, without losing the grid's scroll position; the
// attendee's panel shows their lab's four nodes and their events' SQL. Without an instructor session the page says
// so. Screenshots at 1440 and 390 px, light and dark, go to test-artifacts/room-*.png.
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readLessons } from "../../server/lesson-start/lessons.ts";
import type { RunningHub } from "../../server/workshop/serve.ts";
import { roomColumns, type StepColumn } from "../../shared/room/columns.ts";
import { TEST_PASSPHRASE, join, request, testHub, type Attendee } from "../support/hub-client.ts";
import { labPage, screenshot, useBrowser } from "../support/browser.ts";
import { tempDir } from "../support/temp-dir.ts";
import { localProvider } from "../support/workshop-labs.ts";
import { endTestWorkshop } from "../support/workshop-page.ts";

const { browser } = useBrowser();

let dir: string;
let hub: RunningHub;
let ada: Attendee;
let bo: Attendee;
let column: StepColumn;
let later: StepColumn;
let room: Page;
const contexts: BrowserContext[] = [];

const base = () => `http://127.0.0.1:${hub.port}`;

async function newPage(width = 1440, height = 900): Promise<Page> {
  const context = await browser().newContext({ viewport: { width, height } });
  contexts.push(context);
  return context.newPage();
}

async function reported(who: Attendee, body: unknown): Promise<number> {
  const answer = await request(hub.port, {
    path: "/workshop/progress",
    method: "POST",
    body,
    headers: { Cookie: who.cookie, Authorization: `Bearer ${who.csrf}` },
  });
  expect(answer.status, answer.text).toBe(201);
  return answer.json.id as number;
}

const row = (page: Page, name: string) =>
  page.locator(".room-grid__table tbody tr", { has: page.locator("th button", { hasText: name }) });
const cell = (page: Page, name: string, id: string) => row(page, name).locator(`td[data-column="${id}"]`);
const count = (page: Page, id: string) => page.locator(`.room-grid__counts td[data-column="${id}"]`);

beforeAll(async () => {
  dir = await tempDir("workshop-room-e2e");
  const provider = await localProvider(dir, { maxLabs: 2, poolSize: 1 });
  hub = await testHub({ workshopDir: dir, provider, publicHosts: ["127.0.0.1"] });
  ada = await join(hub.port, hub.joinCode, "Ada");
  bo = await join(hub.port, hub.joinCode, "Bo");
  const steps = roomColumns(await readLessons()).filter(
    (c): c is StepColumn => c.kind === "step" && c.expectation.kind !== "error",
  );
  column = steps[0]!;
  later = steps.at(-1)!;
}, 400_000);

afterAll(() => endTestWorkshop(dir, hub, contexts), 120_000);

describe("the instructor's room", () => {
  it("says plainly that it needs the instructor's session, with a link to the instructor's page", async () => {
    const page = await newPage();
    await page.goto(`${base()}/workshop/room/`);
    await expect.poll(() => page.locator("room-page").getAttribute("data-state")).toBe("not-instructor");
    expect(await page.locator(".room-status__text").innerText()).toMatch(/not logged in as the instructor/);
    expect(await page.locator(".room-status__login a").getAttribute("href")).toBe("/instructor");
    expect(await page.locator(".room").isHidden()).toBe(true);
  });

  it("on the single-user site, says the room belongs to workshop mode", async () => {
    const page = await labPage(browser());
    await page.goto(`${inject("bridgeUrl")}/workshop/room/`);
    await expect.poll(() => page.locator("room-page").getAttribute("data-state")).toBe("not-a-workshop");
    expect(await page.locator(".room-status__text").innerText()).toMatch(/belongs to workshop mode/);
    expect(await page.locator(".room").isHidden()).toBe(true);
    await page.close();
  });

  it("opens from the instructor's page and shows who joined, nobody done and nobody stuck", async () => {
    room = await newPage();
    await room.goto(`${base()}/instructor`);
    await room.fill("input[name=passphrase]", TEST_PASSPHRASE);
    await room.click("button[type=submit]");
    await room.click("text=Open the room");
    await room.waitForURL(/\/workshop\/room\/$/);
    await room.locator("room-page[data-feed=live]").waitFor({ timeout: 20_000 });
    await expect.poll(() => room.locator(".room-count--joined").innerText()).toBe("2");
    expect(await room.locator(".room-count--stuck").innerText()).toBe("0");
    expect(await room.locator(".room-stuck__list").innerText()).toMatch(/Nobody is stuck/);
    expect(await cell(room, "Ada", column.id).getAttribute("data-mark")).toBe("not-yet");
    expect(await count(room, column.id).innerText()).toBe("0 of 2");
    expect(await room.locator(".room-grid__lessons th[data-lesson]").count()).toBeGreaterThan(3);
  });

  it("shows progress and who is stuck live, keeping the grid's scroll position", async () => {
    const scroller = room.locator(".room-grid__scroll");
    await room.setViewportSize({ width: 1000, height: 900 });
    await scroller.evaluate((element) => (element.scrollLeft = 200));
    const { lesson, step } = column;
    await reported(bo, { kind: "expectation", lesson, step, met: true, sql: "SELECT 'bo';" });
    let last = 0;
    for (let i = 0; i < 3; i++) {
      last = await reported(ada, {
        kind: "expectation",
        lesson,
        step,
        met: false,
        sqlstate: "42P01",
        message: 'relation "nope" does not exist',
        sql: "SELECT * FROM nope;",
      });
    }
    // The page has drawn a grid that includes the last event (an earlier one may show only part of them).
    await expect
      .poll(async () => Number(await room.locator("room-page").getAttribute("data-through")))
      .toBeGreaterThanOrEqual(last);
    expect(await cell(room, "Ada", column.id).getAttribute("data-mark")).toBe("failed");
    expect(await cell(room, "Bo", column.id).getAttribute("data-mark")).toBe("done");
    expect(await cell(room, "Bo", column.id).innerText()).toMatch(/✓/);
    expect(await cell(room, "Ada", column.id).innerText()).toMatch(/✗/);
    expect(await count(room, column.id).innerText()).toBe("1 of 2");
    expect(await room.locator(".room-count--stuck").innerText()).toBe("1");
    const stuck = room.locator(".room-stuck__entry");
    expect(await stuck.count()).toBe(1);
    const text = await stuck.innerText();
    expect(text).toMatch(/Ada/);
    expect(text).toMatch(/3 times in a row/);
    expect(text).toMatch(/42P01 relation "nope" does not exist/);
    expect(await scroller.evaluate((element) => element.scrollLeft)).toBe(200);
    // Every other cell stays not yet.
    expect(await room.locator(".room-grid__table td[data-mark=done]").count()).toBe(1);
    expect(await room.locator(".room-grid__table td[data-mark=failed]").count()).toBe(1);
    // A later step reported: the grid moves on by itself, and still keeps its scroll position.
    await reported(bo, { kind: "expectation", lesson: later.lesson, step: later.step, met: true });
    await expect.poll(() => cell(room, "Bo", later.id).getAttribute("data-mark")).toBe("done");
    expect(await scroller.evaluate((element) => element.scrollLeft)).toBe(200);
    await room.setViewportSize({ width: 1440, height: 900 });
  });

  it("opens an attendee's panel with their lab's four nodes and their events' SQL", async () => {
    await room.locator(".room-stuck__entry button", { hasText: "Open" }).click();
    const panel = room.locator(".room-attendee");
    await panel.waitFor();
    await expect.poll(() => panel.locator(".room-attendee__name").innerText()).toBe(`Ada · lab ${ada.lab}`);
    await expect.poll(() => panel.locator(".room-node[data-state=up]").count(), { timeout: 30_000 }).toBe(4);
    expect(
      await panel.locator(".room-node").evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-node"))),
    ).toEqual(["master", "slave1", "slave2", "slave3"]);
    expect(await panel.locator(".room-event__sql").first().innerText()).toBe("SELECT * FROM nope;");
    expect(await panel.locator(".room-attendee__stuck").innerText()).toMatch(/3 times in a row/);
    expect(await panel.locator("room-help-console").getAttribute("data-attendee")).toEqual(expect.any(String));
    expect(await panel.locator(".room-attendee__lesson option").count()).toBeGreaterThan(5);
  });

  it("looks right at 1440 and 390 px, light and dark", async () => {
    for (const scheme of ["light", "dark"] as const) {
      await room.emulateMedia({ colorScheme: scheme });
      await room.evaluate((theme) => {
        localStorage.setItem("starlight-theme", theme);
        document.documentElement.dataset["theme"] = theme;
      }, scheme);
      for (const width of [1440, 390]) {
        await room.setViewportSize({ width, height: 900 });
        await room.locator(".room-attendee__close").click();
        await screenshot(room, `room-${width}-${scheme}`);
        await room.locator(".room-stuck__entry button", { hasText: "Open" }).click();
        await room.locator(".room-node[data-state=up]").first().waitFor();
        await screenshot(room, `room-${width}-${scheme}-attendee`);
        // At 390 px the grid scrolls inside its box; the page itself does not scroll sideways.
        const overflow = await room.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
      }
    }
  });
});
