// Issue 15, accessibility, in workshop mode: axe-core's serious and critical rules over the pages only a workshop
// hub serves (the join page, the instructor's page before and after logging in, the room with an attendee's panel
// open) and the attendee's own pages, at 1440 and 390 px, in both themes, against a real hub with a real lab.
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLessons } from "../../server/lesson-start/lessons.ts";
import type { RunningHub } from "../../server/workshop/serve.ts";
import { roomColumns, type StepColumn } from "../../shared/room/columns.ts";
import { expectAccessible } from "../support/axe.ts";
import { useBrowser, waitForLab } from "../support/browser.ts";
import { TEST_PASSPHRASE, join, request } from "../support/hub-client.ts";
import { endTestWorkshop, startBrowserWorkshop } from "../support/workshop-page.ts";

const { browser } = useBrowser();
const NAME = "Ada Lovelace";

let dir: string;
let hub: RunningHub;
const contexts: BrowserContext[] = [];

const base = () => `http://127.0.0.1:${hub.port}`;

async function newPage(): Promise<Page> {
  // The hub's own pages (join, instructor) forbid inline scripts by their CSP, which axe's injected script is.
  const context = await browser().newContext({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
  contexts.push(context);
  return context.newPage();
}

/** The attendee's page has reached their lab (the status panel is in the DOM at every width). */
const reachedLab = (page: Page) => waitForLab(page, { state: "attached", timeout: 60_000 });

beforeAll(async () => {
  ({ dir, hub } = await startBrowserWorkshop("workshop-a11y", 2));
}, 400_000);

afterAll(() => endTestWorkshop(dir, hub, contexts), 120_000);

describe("axe-core finds no serious or critical violation in workshop mode", () => {
  it("on the join page, and the attendee's home, lesson and console pages", { timeout: 240_000 }, async () => {
    const page = await newPage();
    await page.goto(`${base()}/join?code=${hub.joinCode}`);
    await page.locator("#name").waitFor();
    await expectAccessible(page, "join");
    await page.fill("#name", NAME);
    await page.click("button[type=submit]");
    await reachedLab(page);
    for (const [name, path] of [
      ["attendee home", "/"],
      ["attendee lesson", "/lessons/03-schema/"],
      ["attendee console", "/console/"],
    ] as const) {
      await page.goto(`${base()}${path}`);
      await reachedLab(page);
      await expectAccessible(page, name);
    }
  });

  it("on the instructor's page, logged out and in, and the room with a stuck attendee's panel open", async () => {
    // A second attendee fails a step three times: the room shows them stuck, in its red words.
    const bo = await join(hub.port, hub.joinCode, "Bo");
    const step = roomColumns(await readLessons()).find(
      (c): c is StepColumn => c.kind === "step" && c.expectation.kind !== "error",
    )!;
    for (let i = 0; i < 3; i++) {
      const answer = await request(hub.port, {
        path: "/workshop/progress",
        method: "POST",
        body: {
          kind: "expectation",
          lesson: step.lesson,
          step: step.step,
          met: false,
          sqlstate: "42P01",
          message: 'relation "nope" does not exist',
          sql: "SELECT * FROM nope;",
        },
        headers: { Cookie: bo.cookie, Authorization: `Bearer ${bo.csrf}` },
      });
      expect(answer.status, answer.text).toBe(201);
    }
    const page = await newPage();
    await page.goto(`${base()}/instructor`);
    await page.locator("input[name=passphrase]").waitFor();
    await expectAccessible(page, "instructor login");
    await page.fill("input[name=passphrase]", TEST_PASSPHRASE);
    await page.click("button[type=submit]");
    await page.locator("text=Open the room").waitFor();
    await expectAccessible(page, "instructor");
    await page.click("text=Open the room");
    await page.waitForURL(/\/workshop\/room\/$/);
    await page.locator("room-page[data-feed=live]").waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator(".room-count--stuck").innerText()).toBe("1");
    await expectAccessible(page, "room");
    await page.locator(".room-stuck__entry button", { hasText: "Open" }).click();
    await page.locator(".room-attendee .room-node[data-state=up]").first().waitFor({ timeout: 30_000 });
    await expectAccessible(page, "room, attendee's panel");
  }, 120_000);
});
