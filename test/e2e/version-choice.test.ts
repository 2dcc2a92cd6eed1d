// The lab page's "PostgreSQL versions…" control in a browser, on a lab of its own: at 1440 px slave3 moves from 18
// to 16 (downloaded during the test, with the page's progress bar), the page having said first that slave3 starts
// afresh; at 390 px it moves back to 18 and the lab is brought to lesson 2's start from the same control.
// Screenshots: test-artifacts/version-choice-<width>-<step>.png.
import fs from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedLab } from "../../server/start-lab.ts";
import { ARTIFACTS, launch } from "../support/browser.ts";
import { startOwnLab } from "../support/own-lab.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "version-choice-token-0123456789";
let dataDir = "";
let running: StartedLab | undefined;
let browser: Awaited<ReturnType<typeof launch>> | undefined;

beforeAll(async () => {
  dataDir = await tempDir("version-choice");
  running = await startOwnLab(dataDir, TOKEN);
  browser = await launch();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

async function labPage(width: number, height: number): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width, height } });
  await page.goto(`${running!.url}/lab/#lab-token=${TOKEN}`);
  await page.locator('.lab-status:not(.compact) [data-node="slave3"][data-state="up"]').waitFor();
  return page;
}

/** Opens the control and waits for its menus to say what each node runs. */
async function openControl(page: Page) {
  const control = page.locator(".lab-status:not(.compact) version-choice");
  await control.getByRole("button", { name: "PostgreSQL versions…" }).click();
  await control.locator('select[data-for-node="slave3"] option[value="18"]').waitFor({ state: "attached" });
  return control;
}

/** The status panel, control included, as the learner sees it: test-artifacts/<name>.png. */
async function panelShot(page: Page, name: string) {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.locator(".lab-status:not(.compact)").screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/** Nothing on the page is wider than the window: no sideways scrolling on a phone. */
async function fitsWidth(page: Page, width: number) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(width);
}

/** Waits until the status line `selector` says how it ended: ✓ or ✗ leads it then. */
async function settled(page: Page, selector: string, timeout: number) {
  await page.waitForFunction((where) => /^[✓✗]/.test(document.querySelector(where)?.textContent ?? ""), selector, {
    timeout,
  });
}

describe("the lab page's PostgreSQL versions control", () => {
  it("at 1440 px: says what a switch costs, downloads 16 with a progress bar and runs slave3 on it", async () => {
    const page = await labPage(1440, 900);
    const control = await openControl(page);
    const slave3 = control.locator('select[data-for-node="slave3"]');
    await expect(slave3.inputValue()).resolves.toBe("18");
    const apply = control.getByRole("button", { name: "Apply…" });
    await expect(apply.isDisabled()).resolves.toBe(true);
    await slave3.selectOption("16");
    await expect(apply.isDisabled()).resolves.toBe(false);
    await apply.click();
    const warning = control.locator(".version-choice__warning");
    await expect(warning.textContent()).resolves.toMatch(
      /^Move slave3 from PostgreSQL 18 to 16\? It starts afresh: .* are lost\. .*PostgreSQL 16 is downloaded first/,
    );
    await fitsWidth(page, 1440);
    await panelShot(page, "version-choice-1440-confirm");

    await control.getByRole("button", { name: "Yes, switch" }).click();
    // The bar fills by the download's bytes: seen with a value, under its total, while npm runs.
    const bar = control.locator("progress.version-choice__progress");
    const seen = await page.waitForFunction(
      () => {
        const progress = document.querySelector<HTMLProgressElement>(".version-choice__progress");
        const filling = progress && !progress.hidden && progress.hasAttribute("value") && progress.value > 0;
        const said = document.querySelector(".version-choice__status")?.textContent;
        return filling && { value: progress.value, max: progress.max, said };
      },
      undefined,
      { timeout: 120_000, polling: 50 },
    );
    await panelShot(page, "version-choice-1440-downloading");
    const { value, max, said } = (await seen.jsonValue()) as { value: number; max: number; said: string };
    expect(said).toMatch(/^installing PostgreSQL 16 from npm… \(\d+\.\d s\)$/);
    expect(value).toBeLessThanOrEqual(max);
    expect(max).toBeGreaterThan(50e6);
    const status = control.locator(".version-choice__status");
    await settled(page, ".version-choice__status", 180_000);
    await expect(status.textContent()).resolves.toMatch(
      /^✓ slave3 runs PostgreSQL 16, with a fresh data folder \(\d+\.\d s\)\.$/,
    );
    await expect(bar.isHidden()).resolves.toBe(true);
    const facts = page.locator('.lab-status:not(.compact) [data-node="slave3"] .lab-node__facts');
    await page.waitForFunction(() =>
      /^PostgreSQL 16\.14\b/.test(
        document.querySelector('.lab-status:not(.compact) [data-node="slave3"] .lab-node__facts')?.textContent ?? "",
      ),
    );
    await expect(facts.textContent()).resolves.toMatch(/^PostgreSQL 16\.14\b/);
    // The menu now says 16 is what slave3 runs, Apply is off again, and the lesson starts are offered.
    await expect(slave3.inputValue()).resolves.toBe("16");
    await expect(control.locator('select[data-for-node="slave3"] option:checked').textContent()).resolves.toBe(
      "16 (now)",
    );
    await page.waitForFunction(() => document.querySelector<HTMLButtonElement>(".version-choice__apply")?.disabled);
    await expect(control.locator(".version-choice__after").isVisible()).resolves.toBe(true);
    await expect(control.locator(".version-choice__source").textContent()).resolves.toMatch(/^Chosen on this page/);
    await fitsWidth(page, 1440);
    await panelShot(page, "version-choice-1440-done");
    await page.close();
  }, 300_000);

  it("at 390 px: moves slave3 back to 18, then brings the lab to lesson 2's start", async () => {
    const page = await labPage(390, 844);
    const control = await openControl(page);
    await control.locator('select[data-for-node="slave3"]').selectOption("18");
    await control.getByRole("button", { name: "Apply…" }).click();
    // 18 is the project's own: nothing to download.
    const warning = await control.locator(".version-choice__warning").textContent();
    expect(warning).toMatch(/^Move slave3 from PostgreSQL 16 to 18\? It starts afresh/);
    expect(warning).not.toContain("downloaded");
    await fitsWidth(page, 390);
    await panelShot(page, "version-choice-390-confirm");
    await control.getByRole("button", { name: "Yes, switch" }).click();
    await settled(page, ".version-choice__status", 120_000);
    await expect(control.locator(".version-choice__status").textContent()).resolves.toMatch(
      /^✓ slave3 runs PostgreSQL 18, with a fresh data folder/,
    );
    await control.locator(".version-choice__lesson").selectOption("2");
    await control.getByRole("button", { name: "Start there" }).click();
    await settled(page, ".version-choice__after-status", 240_000);
    await expect(control.locator(".version-choice__after-status").textContent()).resolves.toMatch(
      /^✓ The lab is at the start of lesson 2 \(\d+\.\d s\)\.$/,
    );
    await fitsWidth(page, 390);
    await panelShot(page, "version-choice-390-done");
    await page.close();
  }, 300_000);
});
