// Issue 15, visual defects of the console's four terminals: `\dRs+` in four side-by-side panes (about 70 columns
// each) wrapped every row into a jumble, and on a phone the panes stacked as four tall empty boxes. The console
// now prints a result too wide for its terminal expanded (psql's \x auto), a pane can take the whole width, and a
// phone shows one pane at a time; the buttons that choose work from the keyboard, with visible focus.
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import path from "node:path";
import { ARTIFACTS, labPage, useBrowser } from "../support/browser.ts";
import { focusRing } from "../support/focus-ring.ts";
import { setUpReplication } from "../support/replication.ts";

const { browser } = useBrowser();

beforeAll(async () => {
  // Every follower has a subscription: slave1's \dRs+ has a row, as wide as psql 18 prints it.
  await setUpReplication();
}, 60_000);

type TerminalElement = HTMLElement & { screenText(i: number): string; wrappedRows(i: number): number };

/** The console page at a width, with its four terminals open. */
async function openFour(width: number, height: number): Promise<{ page: Page; four: Locator }> {
  const page = await labPage(browser(), { viewport: { width, height } });
  await page.goto(`${inject("bridgeUrl")}/console/`);
  const four = page.locator("psql-terminal[data-layout='four']");
  await four.getByRole("button", { name: "Open psql on all four nodes" }).click();
  await expect.poll(() => four.locator(".psql-pane[data-state='ready']").count()).toBe(4);
  return { page, four };
}

const screen = (four: Locator, pane: number) =>
  four.evaluate((element, i) => (element as TerminalElement).screenText(i), pane);
const wrapped = (four: Locator, pane: number) =>
  four.evaluate((element, i) => (element as TerminalElement).wrappedRows(i), pane);
const visiblePanes = (four: Locator) =>
  four.locator(".psql-pane").evaluateAll((panes) => panes.filter((pane) => pane.getClientRects().length > 0).length);

/** Runs a line in a pane, typed after a click in it, and waits for the prompt after its output. */
async function run(page: Page, four: Locator, pane: number, line: string) {
  await four.locator(".psql-pane").nth(pane).locator(".xterm").click();
  const before = (await screen(four, pane)).length;
  await page.keyboard.type(`${line}\n`);
  await expect.poll(async () => (await screen(four, pane)).slice(before)).toMatch(/replication=# $/);
}

describe("the console's four terminals", () => {
  it("print \\dRs+ one field a line in a pane side by side, and in one row a line once the pane is alone", async () => {
    const { page, four } = await openFour(1280, 1000);
    const pane = four.locator(".psql-pane").nth(1);
    const narrow = (await pane.boundingBox())!.width;
    await run(page, four, 1, "\\dRs+");
    const expanded = await screen(four, 1);
    // psql's \x auto: the row is a record, each field on a line of its own, not an aligned row wrapped 4 times.
    expect(expanded).toContain("-[ RECORD 1 ]");
    expect(expanded).toMatch(/\nName +\| sub_slave1\n/);
    expect(expanded).toMatch(/\nPublication +\| \{userpub\}\n/);
    await four.locator(".psql-terminal__panes").screenshot({ path: path.join(ARTIFACTS, "console-four-dRs.png") });
    // Only the lines longer than the pane wrap now: the record's rule and the conninfo (psql wraps none either).
    console.log(`\\dRs+ side by side: ${await wrapped(four, 1)} rows wrapped`);

    // The pane alone at the page's width: about twice the columns, and the same command in fewer, unwrapped rows.
    await four.getByRole("button", { name: "slave1", exact: true }).click();
    await expect(four.getByRole("button", { name: "slave1", exact: true }).getAttribute("aria-pressed")).resolves.toBe(
      "true",
    );
    await expect.poll(() => visiblePanes(four)).toBe(1);
    expect((await pane.boundingBox())!.width).toBeGreaterThan(narrow * 1.8);
    await page.keyboard.press("Control+L");
    await expect.poll(() => wrapped(four, 1)).toBe(0);
    await run(page, four, 1, "\\dRs+");
    expect(await screen(four, 1)).toMatch(/\nConninfo +\| host=/);
    expect(await wrapped(four, 1), "rows wrapped in the pane alone").toBe(0);
    await four.locator(".psql-terminal__panes").screenshot({ path: path.join(ARTIFACTS, "console-one-pane.png") });

    // And back: the four side by side, each session as it was.
    await four.getByRole("button", { name: "All four" }).click();
    await expect.poll(() => visiblePanes(four)).toBe(4);
    expect(await screen(four, 1)).toContain("sub_slave1");
    await page.close();
  });

  it("show one pane at a time on a phone, the others a button away", async () => {
    const { page, four } = await openFour(390, 844);
    await expect.poll(() => visiblePanes(four)).toBe(1);
    await expect(four.getByRole("button", { name: "master", exact: true }).getAttribute("aria-pressed")).resolves.toBe(
      "true",
    );
    // The pane shown takes no more than the screen's height, and nothing sticks out sideways.
    const shown = (await four.locator(".psql-pane").first().boundingBox())!;
    expect(shown.height).toBeLessThan(844);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(
      0,
    );
    await four.getByRole("button", { name: "slave2", exact: true }).click();
    await expect.poll(() => visiblePanes(four)).toBe(1);
    await expect(four.locator(".psql-pane").nth(2).isVisible()).resolves.toBe(true);
    await run(page, four, 2, "SELECT current_setting('port') AS port;");
    expect(await screen(four, 2)).toContain(` ${inject("pgPorts")["slave2"]}\n(1 row)`);
    await four.scrollIntoViewIfNeeded();
    await four.screenshot({ path: path.join(ARTIFACTS, "console-phone.png") });
    await page.close();
  });

  it("choose panes from the keyboard, with a visible focus ring", async () => {
    const { page, four } = await openFour(1280, 1000);
    const all = four.getByRole("button", { name: "All four" });
    // Keyboard focus: from the button before it, Tab.
    await all.focus();
    await page.keyboard.press("Tab");
    const slave3Index = 3;
    const master = four.getByRole("button", { name: "master", exact: true });
    await expect(master.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    expect(await focusRing(master)).toEqual({ visible: true, style: "solid", width: 2 });
    // master, slave1, slave2, slave3: three Tabs on.
    for (let i = 0; i < slave3Index; i++) await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect.poll(() => visiblePanes(four)).toBe(1);
    await expect(four.locator(".psql-pane").nth(slave3Index).isVisible()).resolves.toBe(true);
    // Enter moved the keys to slave3's terminal: typing runs there.
    await page.keyboard.type("SELECT 'keyboard' AS how;\n");
    await expect.poll(() => screen(four, slave3Index)).toContain(" keyboard\n(1 row)");
    await page.close();
  });
});
