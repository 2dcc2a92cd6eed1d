// Workshop mode's pages say who the attendee is and where their lab runs (issue 13): the status panel names the
// attendee and their lab where single-user mode says "embedded", "Use on another device" shows the personal rejoin
// link (and its QR code), which opens the same lab in another browser, and the home page says the lab runs on the
// workshop's machine. The single-user site (the test run's lab) shows none of it.
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { RunningHub } from "../../server/workshop/serve.ts";
import { labPage, screenshot, useBrowser } from "../support/browser.ts";
import { endTestWorkshop, sqlFrom, startBrowserWorkshop } from "../support/workshop-page.ts";

const { browser } = useBrowser();
const NAME = "Ada Lovelace";
const LESSON = "/lessons/03-schema/";
const OWN_MACHINE = "You get four real PostgreSQL servers on your own machine";
// The site's typography makes the apostrophes curly.
const HUB_MACHINE = "You get four real PostgreSQL servers of your own, run for you on the workshop’s machine";

let dir: string;
let hub: RunningHub;
const contexts: BrowserContext[] = [];

const base = () => `http://127.0.0.1:${hub.port}`;
const sidebarPanel = (page: Page) => page.locator(".lab-status.compact");

async function newPage(): Promise<Page> {
  const context = await browser().newContext({ viewport: { width: 1440, height: 900 } });
  contexts.push(context);
  return context.newPage();
}

async function waitForLab(page: Page): Promise<void> {
  await sidebarPanel(page).locator("[data-node='master'][data-state='up']").waitFor({ timeout: 60_000 });
}

/** The words of the home page's first paragraph a reader sees (the other site's words are hidden). */
const introSeen = (page: Page) => page.locator(".sl-markdown-content > p").first().innerText();

beforeAll(async () => {
  ({ dir, hub } = await startBrowserWorkshop("workshop-pages", 1));
}, 400_000);

afterAll(() => endTestWorkshop(dir, hub, contexts), 120_000);

describe("an attendee's pages", () => {
  let first: Page;
  let rejoinLink = "";

  it("a lesson page's status panel says it is the attendee's workshop lab, with their name", async () => {
    first = await newPage();
    await first.goto(`${base()}/join?code=${hub.joinCode}`);
    await first.fill("#name", NAME);
    await first.click("button[type=submit]");
    await waitForLab(first);
    await first.goto(`${base()}${LESSON}`);
    await waitForLab(first);
    const me = await first.evaluate(async () => (await fetch("/workshop/me")).json());
    const panel = sidebarPanel(first);
    await expect(panel.locator('[data-role="mode"]').textContent()).resolves.toBe(`Workshop · lab ${me.lab}`);
    await expect(panel.locator(".lab-status__who").innerText()).resolves.toBe(`Joined as ${NAME}`);
    await expect(panel.innerText()).resolves.not.toMatch(/embedded/i);
    expect(me.lab).toMatch(/^\d{3}$/);
  }, 180_000);

  it("'Use on another device' shows the rejoin link, copyable, and its QR code", async () => {
    const panel = sidebarPanel(first);
    const box = panel.locator(".lab-rejoin");
    await expect(box.isVisible()).resolves.toBe(false);
    await panel.getByRole("button", { name: "Use on another device" }).click();
    const link = box.getByRole("textbox", { name: "Your rejoin link" });
    await expect.poll(() => link.inputValue()).not.toBe("");
    rejoinLink = await link.inputValue();
    expect(rejoinLink.startsWith(`${base()}/workshop/rejoin/`)).toBe(true);
    const me = await first.evaluate(async () => (await fetch("/workshop/me")).json());
    expect(rejoinLink).toBe(me.rejoin);
    await expect(
      panel.getByRole("button", { name: "Use on another device" }).getAttribute("aria-expanded"),
    ).resolves.toBe("true");
    // The QR code is the hub's SVG of the same link, drawn in the page.
    const qr = box.getByRole("img", { name: "QR code of your rejoin link" });
    await expect
      .poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(100);
    await box.getByRole("button", { name: "Copy" }).click();
    // Plain HTTP on a LAN name has no Clipboard API; either way the link ends up selected or copied.
    await expect.poll(() => box.locator(".lab-rejoin__said").textContent()).toMatch(/Copied|selected/);
    await first.setViewportSize({ width: 1440, height: 900 });
    await screenshot(first, "workshop-pages-rejoin-1440");
  });

  it("the rejoin link opens the same lab in a second browser, which carries on with it", async () => {
    const made = await sqlFrom(first, "CREATE TABLE from_the_first_device (v text)");
    expect(made.error).toBeUndefined();
    const second = await newPage();
    await second.goto(rejoinLink);
    await waitForLab(second);
    const panel = sidebarPanel(second);
    await expect(panel.locator(".lab-status__who").innerText()).resolves.toBe(`Joined as ${NAME}`);
    await expect(panel.locator('[data-role="mode"]').textContent()).resolves.toBe(
      await sidebarPanel(first).locator('[data-role="mode"]').textContent(),
    );
    const seen = await sqlFrom(second, "SELECT count(*)::int AS n FROM from_the_first_device");
    expect(seen.error).toBeUndefined();
    expect(seen.results[0].rows).toEqual([["0"]]);
  }, 120_000);

  it("the home page says the lab runs on the workshop's machine, not on the attendee's own", async () => {
    await first.goto(`${base()}/`);
    await waitForLab(first);
    await expect(introSeen(first)).resolves.toContain(HUB_MACHINE);
    await expect(introSeen(first)).resolves.not.toContain("own machine");
    const text = await first.locator(".sl-markdown-content").innerText();
    expect(text).toContain("the workshop’s hub started it for you");
    expect(text).not.toContain("npm install && npm start");
    await expect(first.locator(".lab-status:not(.compact) .lab-status__who").innerText()).resolves.toBe(
      `Joined as ${NAME}`,
    );
    for (const [width, theme] of [
      [1440, "light"],
      [390, "dark"],
    ] as const) {
      await first.setViewportSize({ width, height: 900 });
      await first.emulateMedia({ colorScheme: theme });
      await screenshot(first, `workshop-pages-home-${width}-${theme}`);
    }
  });
});

describe("the single-user site", () => {
  it("says embedded and own machine, with no attendee, no rejoin link and no call to /workshop/me", async () => {
    const page = await labPage(browser());
    const requests: string[] = [];
    page.on("request", (request) => requests.push(new URL(request.url()).pathname));
    await page.goto(`${inject("bridgeUrl")}/`);
    await waitForLab(page);
    await expect(sidebarPanel(page).locator('[data-role="mode"]').textContent()).resolves.toBe("embedded");
    await expect(introSeen(page)).resolves.toContain(OWN_MACHINE);
    const text = await page.locator(".sl-markdown-content").innerText();
    expect(text).toContain("npm install && npm start");
    expect(text).not.toContain("workshop");
    for (const panel of await page.locator(".lab-status").all()) {
      await expect(panel.locator(".lab-status__owner").isVisible()).resolves.toBe(false);
      await expect(panel.getByRole("button", { name: "Use on another device" }).isVisible()).resolves.toBe(false);
    }
    await page.waitForLoadState("networkidle");
    expect(requests.filter((path) => path.startsWith("/workshop"))).toEqual([]);
    await page.close();
  });
});
