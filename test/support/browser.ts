import fs from "node:fs/promises";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, expect, inject } from "vitest";
import { PROJECT_ROOT } from "../../server/config.ts";
import { requireBrowser } from "../../scripts/prerequisites.ts";

export const ARTIFACTS = path.join(PROJECT_ROOT, "test-artifacts");

/** The machine's Chromium or Chrome (CHROMIUM_PATH, or Debian's chromium as CI installs it, or another usual
 * place): playwright never downloads a browser of its own here. */
export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: requireBrowser(),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
}

/** Keeps a screenshot of the page as a test artifact, for people to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

type PageOptions = Parameters<Browser["newPage"]>[0];

/** The getters useBrowser gives: valid from the file's first test to its last. */
export interface BrowserSession {
  /** The file's browser. */
  browser: () => Browser;
  /** A page holding the lab's key (labPage), opened with the browser, for files that use one page throughout. */
  page: () => Page;
}

/**
 * The browser of a test file: launched before its first test, closed after its last (and after the file's own
 * afterAll hooks registered later, which run first), with a screenshot of every page open when a test fails,
 * kept in test-artifacts/ as failed-<test>-<n>.png.
 */
export function useBrowser(pageOptions: PageOptions = { viewport: { width: 1280, height: 900 } }): BrowserSession {
  let browser: Browser | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    browser = await launch();
    page = await labPage(browser, pageOptions);
  });
  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(async () => {
      const pages = browser?.contexts().flatMap((context) => context.pages()) ?? [];
      const name = task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 80);
      for (const [i, open] of pages.entries()) await screenshot(open, `failed-${name}-${i}`).catch(() => {});
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useBrowser's browser is there from the file's first test on");
    return value;
  };
  return { browser: () => started(browser), page: () => started(page) };
}

/**
 * A page whose browser holds the lab's key, as a learner's does after opening the address npm start prints
 * (#lab-token=..., kept in localStorage for the bridge's origin only). Pages of other origins get nothing.
 */
export async function labPage(
  browser: Browser,
  options: PageOptions = { viewport: { width: 1280, height: 900 } },
): Promise<Page> {
  const page = await browser.newPage(options);
  await holdLabKey(page);
  return page;
}

/**
 * A browser profile of its own (its own localStorage) holding the lab's key, as labPage's pages do, for several tabs.
 */
export async function labContext(browser: Browser, options: PageOptions): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await holdLabKey(context);
  return context;
}

/** Puts the lab's key in localStorage before the page's scripts run, for the bridge's origin only. */
async function holdLabKey(target: Page | BrowserContext): Promise<void> {
  await target.addInitScript(
    ({ origin, token }) => {
      if (location.origin === origin) localStorage.setItem("replication-lab:token", token);
    },
    { origin: new URL(inject("bridgeUrl")).origin, token: inject("token") },
  );
}

/** Screenshots in light and dark, as the learner's system asks (Starlight's theme follows it by default). */
export async function bothThemes(
  page: Page,
  name: string,
  shoot: (file: string) => Promise<unknown> = (file) => screenshot(page, file),
): Promise<void> {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset["theme"])).toBe(scheme);
    await shoot(`${name}-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

/** Opens a page of the lab's site and waits until its status panel shows master up: the page has reached the lab. */
export async function openLabPage(page: Page, path: string): Promise<void> {
  await page.goto(`${inject("bridgeUrl")}${path}`);
  await waitForLab(page);
}

/**
 * Waits until the page's status panel shows master up: the page has reached its lab. Below Starlight's 50rem the
 * sidebar, and with it the panel, is behind the menu: there `state: "attached"` waits for the panel in the DOM.
 */
export async function waitForLab(
  page: Page,
  options: { state?: "attached" | "visible"; timeout?: number } = {},
): Promise<void> {
  await page.locator(".lab-status.compact [data-node='master'][data-state='up']").waitFor(options);
}
