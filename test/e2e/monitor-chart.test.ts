// Issue 15, visual defects of the live monitor's chart (lesson 6): master's legend entry sat ~8 px above the
// others; the x-axis repeated the same time just after the page opened; and with equal counts the followers' lines
// were drawn over master's, which disappeared. Each is checked on the drawn page, in both themes where colour
// matters.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import path from "node:path";
import { describeViolations, seriousViolations } from "../support/axe.ts";
import { ARTIFACTS, useBrowser } from "../support/browser.ts";
import { direct } from "../support/bridge.ts";
import { focusRing } from "../support/focus-ring.ts";
import { setUpReplication } from "../support/replication.ts";

const { page } = useBrowser({ viewport: { width: 1280, height: 900 } });

beforeAll(async () => {
  await setUpReplication();
}, 60_000);

const chart = (p: Page) => p.locator("live-monitor .monitor__chart");

/** Opens lesson 6 with the monitor in view, so that its chart is made at once, with the page's first samples. */
async function openMonitor(p: Page, theme: "light" | "dark" = "light") {
  await p.goto(`${inject("bridgeUrl")}/lessons/06-load-and-watch/`);
  await p.evaluate((t) => document.documentElement.setAttribute("data-theme", t), theme);
  await p.locator("live-monitor").scrollIntoViewIfNeeded();
  await chart(p).locator("canvas").waitFor();
}

/** The labels the chart's time axis shows now. */
const timeLabels = (p: Page) =>
  p.locator("live-monitor").evaluate((el) => (el as HTMLElement & { timeLabels(): string[] }).timeLabels());

/** Where a colour (#rrggbb) is drawn in the plot: how many pixels (how much of a line shows), and their mean row. */
function drawn(p: Page, color: string): Promise<{ pixels: number; meanRow: number }> {
  return chart(p).evaluate((holder, hex) => {
    const canvas = holder.querySelector("canvas")!;
    const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
    const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    let pixels = 0;
    let rows = 0;
    for (let i = 0; i < data.length; i += 4) {
      const distance =
        Math.abs(data[i]! - want[0]!) + Math.abs(data[i + 1]! - want[1]!) + Math.abs(data[i + 2]! - want[2]!);
      if (data[i + 3]! > 200 && distance < 30) {
        pixels++;
        rows += Math.floor(i / 4 / canvas.width);
      }
    }
    return { pixels, meanRow: pixels === 0 ? NaN : rows / pixels };
  }, color);
}

/** How many of the plot's pixels are close to a colour: how much of a line shows. */
const pixelsOf = async (p: Page, color: string) => (await drawn(p, color)).pixels;

const COLORS = { master: "#3b82f6", slave1: "#16a34a", slave2: "#d97706", slave3: "#db2777" };

describe("the live monitor's chart", () => {
  it("lines its legend's entries up on one row", async () => {
    await openMonitor(page());
    const tops = await chart(page())
      .locator(".u-legend .u-series")
      .evaluateAll((rows) =>
        rows
          .filter((row) => getComputedStyle(row).display !== "none")
          .map((row) => ({ name: row.textContent?.trim(), top: Math.round(row.getBoundingClientRect().top) })),
      );
    expect(tops.map((entry) => entry.name)).toEqual(["master", "slave1", "slave2", "slave3"]);
    const first = tops[0]!.top;
    for (const entry of tops) expect(entry.top, `${entry.name}'s entry against master's`).toBe(first);
  });

  it("never shows one time twice on its axis, from the page's first seconds on", async () => {
    await openMonitor(page());
    // The first seconds are when the axis repeated itself: a second of samples spread over the whole width.
    const seen: string[][] = [];
    for (let i = 0; i < 12; i++) {
      const labels = await timeLabels(page());
      seen.push(labels);
      expect(labels.length, "the axis has labels").toBeGreaterThan(0);
      expect(new Set(labels).size, `labels ${JSON.stringify(labels)}`).toBe(labels.length);
      await page().waitForTimeout(250);
    }
    expect(seen.flat().every((label) => /^\d{1,2}:\d{2}:\d{2}/.test(label))).toBe(true);
  });

  for (const theme of ["light", "dark"] as const) {
    it(`shows master's line and each follower's when all four counts are equal (${theme})`, async () => {
      await openMonitor(page(), theme);
      const tile = (name: string) =>
        page().locator(`live-monitor .monitor__tile[data-node="${name}"]`).getAttribute("data-count");
      // Every node has the same rows (none written since the reset): the four lines lie on each other.
      for (const name of ["master", "slave1", "slave2", "slave3"]) {
        await expect.poll(() => tile(name), { timeout: 10_000 }).toBe("0");
      }
      // A few seconds of samples, so that each line is long enough to count.
      await page().waitForTimeout(5000);
      await page()
        .locator("live-monitor")
        .screenshot({ path: path.join(ARTIFACTS, `monitor-chart-equal-${theme}.png`) });
      const shown = Object.fromEntries(
        await Promise.all(Object.entries(COLORS).map(async ([name, color]) => [name, await pixelsOf(page(), color)])),
      ) as Record<string, number>;
      const all = Object.values(shown).reduce((a, b) => a + b, 0);
      // Each line has its share of what is drawn: master's was none, the followers' lines over it.
      for (const [name, pixels] of Object.entries(shown)) {
        expect(pixels, `${name}'s pixels of ${JSON.stringify(shown)}`).toBeGreaterThan(Math.max(15, all * 0.04));
      }
    });
  }

  it("hides and shows a node's line from its legend entry by keyboard, with a visible focus ring", async () => {
    await openMonitor(page());
    const slave2 = chart(page()).getByRole("button", { name: "slave2" });
    await expect.poll(() => pixelsOf(page(), COLORS.slave2)).toBeGreaterThan(0);
    // Keyboard focus: from slave1's entry, Tab.
    await chart(page()).getByRole("button", { name: "slave1" }).focus();
    await page().keyboard.press("Tab");
    await expect(slave2.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    expect(await focusRing(slave2)).toEqual({ visible: true, style: "solid", width: 2 });
    await page().keyboard.press("Enter");
    await expect(slave2.getAttribute("aria-pressed")).resolves.toBe("false");
    await expect.poll(() => pixelsOf(page(), COLORS.slave2)).toBe(0);
    await page().keyboard.press(" ");
    await expect(slave2.getAttribute("aria-pressed")).resolves.toBe("true");
    await expect.poll(() => pixelsOf(page(), COLORS.slave2)).toBeGreaterThan(0);
    // The page with its chart drawn, legend buttons and all, keeps axe-core's serious and critical rules.
    expect(describeViolations(await seriousViolations(page()))).toBe("");
  });

  // Last: it writes rows, and the tests above need every count equal.
  it("draws a follower that falls behind apart from master's band", async () => {
    await openMonitor(page());
    await direct("slave2", "ALTER SUBSCRIPTION sub_slave2 DISABLE");
    try {
      await direct(
        "master",
        "INSERT INTO users (name, email) SELECT 'u' || g, 'u' || g || '@example.com' FROM generate_series(1, 500) g",
      );
      const tile = (name: string) =>
        page().locator(`live-monitor .monitor__tile[data-node="${name}"]`).getAttribute("data-count");
      await expect.poll(() => tile("slave1"), { timeout: 10_000 }).toBe("500");
      await expect.poll(() => tile("slave2")).toBe("0");
      await page().waitForTimeout(2000);
      await page()
        .locator("live-monitor")
        .screenshot({ path: path.join(ARTIFACTS, "monitor-chart-slave2-behind.png") });
      // slave2's line stays at 0 rows, drawn below master's band at 500 (rows count down the canvas).
      const master = await drawn(page(), COLORS.master);
      const slave2 = await drawn(page(), COLORS.slave2);
      expect(slave2.pixels).toBeGreaterThan(0);
      expect(slave2.meanRow).toBeGreaterThan(master.meanRow + 50);
    } finally {
      await direct("slave2", "ALTER SUBSCRIPTION sub_slave2 ENABLE");
    }
  });
});
