// Issue 15, accessibility: axe-core's serious and critical rules over every page of the site at 1440 and 390 px,
// the lessons after Run all has filled them with answers (result tables, psql output, verdicts), and a keyboard
// walk. The workshop's pages are checked in workshop-accessibility.test.ts. The issue
// measured 157 violations before: aria-hidden-focus, color-contrast, scrollable-region-focusable and
// label-content-name-mismatch.
import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../support/bridge.ts";
import { expectAccessible } from "../support/axe.ts";
import { openLabPage, useBrowser } from "../support/browser.ts";
import { LESSON_PAGES } from "../support/lesson-pages.ts";
import type { Page } from "playwright-core";

const { page } = useBrowser({ viewport: { width: 1440, height: 900 } });

beforeAll(async () => {
  expect((await call("/api/lab/reset", {})).status).toBe(200);
});

/** Runs the lesson's cells with its own Run all button, until it says they all ran as the lesson expects. */
async function runAll(page: Page) {
  await page.getByRole("button", { name: "Run all cells" }).click();
  await expect
    .poll(() => page.locator(".run-all__status").textContent(), { timeout: 150_000, interval: 500 })
    .toMatch(/^All \d+ cells ran as expected, and the lab is in the state this lesson builds\.$/);
}

describe("axe-core finds no serious or critical violation", () => {
  for (const [name, path] of [
    ["home", "/"],
    ["lab", "/lab/"],
    ["console", "/console/"],
  ] as const) {
    it(`on the ${name} page`, async () => {
      await openLabPage(page(), path);
      await expectAccessible(page(), name);
    });
  }

  // In order from a reset lab: each lesson starts where the one before leaves the lab.
  for (const lesson of LESSON_PAGES) {
    it(`on lesson ${lesson} after Run all`, { timeout: 200_000 }, async () => {
      await openLabPage(page(), `/lessons/${lesson}/`);
      await runAll(page());
      await expectAccessible(page(), lesson);
    });
  }
});

/** The focused element, and whether it shows that it has focus (an outline or a focus ring's shadow). */
async function focused(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return undefined;
    // A terminal takes its keys in xterm's hidden textarea: its pane shows the focus.
    const shown = element.closest<HTMLElement>(".psql-pane") ?? element;
    const style = getComputedStyle(shown);
    const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return {
      name: `${element.tagName.toLowerCase()}.${[...element.classList].join(".")}`,
      classes: [...element.classList],
      visible: outlined || style.boxShadow !== "none",
    };
  });
}

/**
 * Presses Tab (or Shift+Tab, `back`) until an element with the class has focus; every stop on the way must show
 * its focus.
 */
async function tabTo(page: Page, className: string, limit = 250, back = false): Promise<string[]> {
  const walked: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    const now = await focused(page);
    if (!now) continue;
    walked.push(now.visible ? now.name : `${now.name} (NO VISIBLE FOCUS)`);
    if (now.classes.includes(className)) return walked;
  }
  throw new Error(`Tab never reached .${className}; it went through:\n${walked.join("\n")}`);
}

describe("the keyboard reaches and uses every control, with its focus visible", () => {
  it("a lesson: Run all, a cell's node picker, its Run (Enter runs the cell) and then its SQL", async () => {
    // Lesson 1's first cell only reads (versions and settings on every node): running it changes nothing.
    await openLabPage(page(), "/lessons/01-logical-replication/");
    await page().locator("body").focus();
    const toRun = (await tabTo(page(), "sql-cell__run")).join("\n");
    expect(toRun).not.toContain("NO VISIBLE FOCUS");
    // The node picker is the cell's <select>, which has no class of its own.
    for (const control of ["run-all__button", "select.", "sql-cell__run"]) {
      expect(toRun, `Tab passes ${control}`).toContain(control);
    }
    await page().keyboard.press("Enter");
    const first = page().locator("sql-cell").first();
    await first.locator(".sql-cell__output:not(.is-recorded) .cell-node-output").first().waitFor();
    // The cell's SQL comes after its bar: the next stop, where Shift+Enter runs it (test/e2e/cell-behaviour).
    const toInput = await tabTo(page(), "sql-cell__input", 3);
    expect(toInput.join("\n")).not.toContain("NO VISIBLE FOCUS");
  });

  it("a running cell: Shift+Tab from its SQL reaches Cancel, and Enter cancels it on the server", async () => {
    await openLabPage(page(), "/lessons/01-logical-replication/");
    const cell = page().locator("sql-cell.is-live[data-expect='error:42P01']");
    // Focus is put in the cell's SQL as a click would; from there on only keys.
    await cell.locator("textarea").focus();
    await page().keyboard.press("ControlOrMeta+A");
    await page().keyboard.type("SELECT pg_sleep(20) /* keyboard cancel */");
    await page().keyboard.press("Control+Enter");
    await cell.locator(".sql-cell__cancel").waitFor();
    const walked = await tabTo(page(), "sql-cell__cancel", 6, true);
    expect(walked.join("\n")).not.toContain("NO VISIBLE FOCUS");
    await page().keyboard.press("Enter");
    await expect.poll(() => cell.locator(".sql-cell__output").innerText(), { timeout: 10_000 }).toContain("57014");
    await cell.locator(".sql-cell__cancel").waitFor({ state: "hidden" });
  });

  it("the home page's lab controls show their focus; Reset asks first, and its Cancel keeps the lab", async () => {
    await openLabPage(page(), "/");
    await page().locator("body").focus();
    const toStop = await tabTo(page(), "lab-node__toggle");
    expect(toStop.join("\n")).not.toContain("NO VISIBLE FOCUS");
    const toReset = await tabTo(page(), "lab-reset__ask", 20);
    expect(toReset.join("\n")).not.toContain("NO VISIBLE FOCUS");
    await page().keyboard.press("Enter");
    const panel = page().locator(".sl-markdown-content .lab-status");
    await panel.locator(".lab-reset__confirm").waitFor();
    // The question puts the focus on its Cancel, the safe answer; Yes is one Shift+Tab away.
    await expect(focused(page())).resolves.toMatchObject({ classes: ["lab-reset__no"], visible: true });
    const toYes = await tabTo(page(), "lab-reset__yes", 1, true);
    expect(toYes.join("\n")).not.toContain("NO VISIBLE FOCUS");
    await tabTo(page(), "lab-reset__no", 1);
    await page().keyboard.press("Enter");
    await panel.locator(".lab-reset__confirm").waitFor({ state: "hidden" });
    await expect(focused(page())).resolves.toMatchObject({ classes: ["lab-reset__ask"] });
    await expect(panel.locator("[data-node='master']").getAttribute("data-state")).resolves.toBe("up");
  });

  it("the console: Tab reaches 'open psql', Enter opens a terminal (focus shown), SQL runs, Tab exits", async () => {
    await openLabPage(page(), "/console/");
    await page().locator("body").focus();
    const walked = await tabTo(page(), "psql-terminal__open");
    expect(walked.join("\n")).not.toContain("NO VISIBLE FOCUS");
    await page().keyboard.press("Enter");
    await page().locator(".xterm").first().waitFor();
    await page().locator(".psql-pane[data-state='ready']").first().waitFor({ timeout: 20_000 });
    // The first terminal takes the keys as the terminals open, and its pane shows that it has them.
    await expect(focused(page())).resolves.toMatchObject({ classes: ["xterm-helper-textarea"], visible: true });
    await page().keyboard.type("SELECT 'typed' AS keyboard;\n");
    await expect
      .poll(() => page().locator(".psql-pane").first().locator(".xterm-rows").innerText())
      .toContain("(1 row)");
    // And the keyboard leaves it: Tab goes on to the next stop (the next pane), Shift+Tab comes back to this one.
    const paneWithFocus = () =>
      page().evaluate(() => {
        const pane = document.activeElement?.closest(".psql-pane");
        return pane ? [...document.querySelectorAll(".psql-pane")].indexOf(pane) : -1;
      });
    const first = await paneWithFocus();
    expect(first).toBe(0);
    await page().keyboard.press("Tab");
    await expect.poll(paneWithFocus).not.toBe(first);
    await page().keyboard.press("Shift+Tab");
    await expect.poll(paneWithFocus).toBe(first);
  });
});
