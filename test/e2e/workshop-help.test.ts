// Issue 14's help in the console, in two browsers: an attendee on a lesson page and the instructor with their
// "Help in console" (the room's <room-help-console>, in the room's view of the attendee). The
// instructor asks; the attendee's page asks them in a dialog that has the focus, and Accept (by keyboard) opens
// a help terminal under a banner that says the instructor is connected; a line typed in either terminal shows in
// both, with its output; End help removes the panel and ends the instructor's terminal. Escape declines. A hub
// restart during help (requests live in its memory) ends it on the attendee's page with a word, rather than the
// help terminal trying to reconnect for ever.
import fs from "node:fs/promises";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningHub } from "../../server/workshop/serve.ts";
import path from "node:path";
import { ARTIFACTS, useBrowser } from "../support/browser.ts";
import { TEST_PASSPHRASE, testHub } from "../support/hub-client.ts";
import { localProvider } from "../support/workshop-labs.ts";
import { endTestWorkshop, startBrowserWorkshop } from "../support/workshop-page.ts";

const { browser } = useBrowser();
const WIDE = { width: 1440, height: 900 };
const NARROW = { width: 390, height: 844 };

let dir: string;
let hub: RunningHub;
const contexts: BrowserContext[] = [];
let attendee: Page;
let instructor: Page;
let attendeeId: string;

/** What the attendee sees on their screen, at a width (the dialog and the panel are fixed to the viewport). */
async function shoot(page: Page, name: string): Promise<void> {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  for (const viewport of [WIDE, NARROW]) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${viewport.width}.png`) });
  }
  await page.setViewportSize(WIDE);
}

const base = () => `http://127.0.0.1:${hub.port}`;

/** The rows xterm shows in a terminal, as text (its DOM renderer's rows; the tests' lines fit on screen). */
const rows = (terminal: Locator) =>
  terminal.evaluate((element) =>
    [...element.querySelectorAll(".xterm-rows > div")]
      .map((row) => row.textContent!.replace(/\u00a0/g, " "))
      .join("\n"),
  );

async function waitForLab(page: Page): Promise<void> {
  await page.locator(".lab-status.compact [data-node='master'][data-state='up']").waitFor({ timeout: 120_000 });
}

beforeAll(async () => {
  ({ dir, hub } = await startBrowserWorkshop("workshop-help-e2e", 1));

  const forAttendee = await browser().newContext({ viewport: WIDE });
  const forInstructor = await browser().newContext({ viewport: WIDE });
  contexts.push(forAttendee, forInstructor);
  attendee = await forAttendee.newPage();
  await attendee.goto(`${base()}/join?code=${hub.joinCode}`);
  await attendee.fill("#name", "Ada");
  await attendee.click("button[type=submit]");
  // The join lands on the lessons' front page with the CSRF token in its fragment, which the page keeps.
  await waitForLab(attendee);
  await attendee.goto(`${base()}/lessons/03-schema/`);
  await waitForLab(attendee);
  // The attendee's id, as the room knows it: the feed's first message says it.
  attendeeId = await attendee.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const feed = new EventSource("/workshop/feed");
        feed.addEventListener("hello", (event) => {
          feed.close();
          resolve((JSON.parse(event.data) as { attendeeId: string }).attendeeId);
        });
      }),
  );

  instructor = await forInstructor.newPage();
  await instructor.goto(`${base()}/instructor`);
  await instructor.fill("#passphrase", TEST_PASSPHRASE);
  await instructor.click("button[type=submit]");
  await instructor.click("text=Open the room");
  await instructor.locator("room-page[data-feed=live]").waitFor({ timeout: 30_000 });
  await instructor.locator(".room-grid__table tbody th button", { hasText: "Ada" }).click();
  await instructor.locator(".room-attendee room-help-console .room-help__ask").waitFor({ timeout: 30_000 });
  expect(await instructor.locator(".room-attendee room-help-console").getAttribute("data-attendee")).toBe(attendeeId);
}, 400_000);

afterAll(() => endTestWorkshop(dir, hub, contexts), 120_000);

describe("help in the console", () => {
  it("is asked, accepted by keyboard, typed into by both, and ended by the attendee", async () => {
    const help = instructor.locator("room-help-console");
    await help.getByRole("button", { name: "Help in console" }).click();
    await expect.poll(() => help.locator(".room-help__state").textContent()).toMatch(/waiting for the attendee/);

    const dialog = attendee.getByRole("dialog", { name: "The instructor asks to join your console" });
    await dialog.waitFor({ timeout: 15_000 });
    // The dialog has the focus, on Accept: Enter answers it.
    await expect.poll(() => attendee.evaluate(() => document.activeElement?.textContent)).toBe("Accept");
    await shoot(attendee, "workshop-help-dialog");
    await attendee.keyboard.press("Enter");
    await dialog.waitFor({ state: "hidden" });

    const panel = attendee.getByRole("region", { name: "Help in the console" });
    const banner = panel.locator(".help-banner");
    await expect
      .poll(() => banner.textContent(), { timeout: 20_000 })
      .toMatch(/The instructor is connected to this terminal\s*·\s*End help/);
    await expect.poll(() => help.locator(".room-help__state").textContent()).toMatch(/connected/);
    const theirs = help.locator(".room-help__screen");
    const mine = panel.locator(".help-panel__screen");
    await expect.poll(() => rows(theirs), { timeout: 20_000 }).toMatch(/^\w+=# *$/m);

    await mine.locator(".xterm").click();
    await attendee.keyboard.type("SELECT 1 AS from_attendee;\n");
    const attendeeLine = /\w+=# SELECT 1 AS from_attendee;\n from_attendee \n-+\n +1\n\(1 row\)/;
    await expect.poll(() => rows(mine), { timeout: 15_000 }).toMatch(attendeeLine);
    await expect.poll(() => rows(theirs), { timeout: 15_000 }).toMatch(attendeeLine);

    await theirs.locator(".xterm").click();
    await instructor.keyboard.type("SELECT 2 AS from_instructor;\n");
    const instructorLine = /\w+=# SELECT 2 AS from_instructor;\n from_instructor \n-+\n +2\n\(1 row\)/;
    await expect.poll(() => rows(theirs), { timeout: 15_000 }).toMatch(instructorLine);
    await expect.poll(() => rows(mine), { timeout: 15_000 }).toMatch(instructorLine);

    await shoot(attendee, "workshop-help-banner");

    await panel.getByRole("button", { name: "End help" }).click();
    await expect.poll(() => panel.count()).toBe(0);
    await expect.poll(() => attendee.locator(".help-banner").count()).toBe(0);
    await expect.poll(() => help.locator(".room-help__state").textContent(), { timeout: 10_000 }).toBe("Help ended.");
    await expect.poll(() => rows(theirs)).toMatch(/\[The (help|attendee's session) ended\.\]/);
    await expect.poll(() => help.getByRole("button", { name: "End help" }).isHidden()).toBe(true);
  }, 180_000);

  it("is declined with Escape, and the instructor sees it", async () => {
    const help = instructor.locator("room-help-console");
    await help.getByRole("button", { name: "Help in console" }).click();
    const dialog = attendee.getByRole("dialog", { name: "The instructor asks to join your console" });
    await dialog.waitFor({ timeout: 15_000 });
    await attendee.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await expect
      .poll(() => help.locator(".room-help__state").textContent(), { timeout: 10_000 })
      .toBe("The attendee declined.");
    expect(await attendee.locator(".help-panel").count()).toBe(0);
    await expect.poll(() => help.getByRole("button", { name: "Help in console" }).isEnabled()).toBe(true);
  }, 60_000);

  it("ends on the attendee's page, with a word, when the hub restarts during help", async () => {
    const help = instructor.locator("room-help-console");
    await help.getByRole("button", { name: "Help in console" }).click();
    const dialog = attendee.getByRole("dialog", { name: "The instructor asks to join your console" });
    await dialog.waitFor({ timeout: 15_000 });
    await dialog.getByRole("button", { name: "Accept" }).click();
    const panel = attendee.getByRole("region", { name: "Help in the console" });
    const banner = panel.locator(".help-banner");
    await expect.poll(() => rows(panel.locator(".help-panel__screen")), { timeout: 20_000 }).toMatch(/^\w+=# *$/m);

    const port = hub.port;
    await hub.close();
    hub = await testHub({
      workshopDir: dir,
      provider: await localProvider(dir, { maxLabs: 1, poolSize: 1 }),
      publicHosts: ["127.0.0.1"],
      port,
    });
    // Before the fix, the terminal kept trying to reconnect, refused each time, under "The instructor is connected".
    await expect
      .poll(() => banner.textContent(), { timeout: 60_000 })
      .toMatch(
        /This help has ended: the workshop's hub no longer has it.*The instructor can ask to join again\.\s*Close\s*$/s,
      );
    // Only the banner stays: the terminal, which has nothing more to show, is gone.
    await expect(panel.locator(".help-panel__screen").count()).resolves.toBe(0);
    await shoot(attendee, "workshop-help-ended-by-restart");
    await panel.getByRole("button", { name: "Close" }).click();
    await expect.poll(() => panel.count()).toBe(0);
  }, 180_000);
});
