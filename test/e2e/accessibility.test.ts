// Issue 15, accessibility: axe-core's serious and critical rules over every page of the site at 1440 and 390 px,
// the lessons after Run all has filled them with answers (result tables, psql output, verdicts), and a keyboard
// walk. The workshop's pages are checked in workshop-accessibility.test.ts. The issue
// measured 157 violations before: aria-hidden-focus, color-contrast, scrollable-region-focusable and
// label-content-name-mismatch.
import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../support/bridge.ts";
import { expectAccessible } from "../support/axe.ts";
import { openLabPage, useBrowser } from "../support/browser.ts";
import type { Page } from "playwright-core";

const { page } = useBrowser({ viewport: { width: 1440, height: 900 } });

beforeAll(async () => {
  expect((await call("/api/lab/reset", {})).status).toBe(200);
});

const LESSONS = [
  "01-logical-replication",
  "02-settings",
  "03-schema",
  "04-publication",
  "05-subscriptions",
  "06-load-and-watch",
  "07-what-replicates",
  "08-slots",
  "09-pitfalls-and-security",
];

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
  for (const lesson of LESSONS) {
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
    const style = getComputedStyle(element);
    const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return {
      name: `${element.tagName.toLowerCase()}.${[...element.classList].join(".")}`,
      classes: [...element.classList],
      visible: outlined || style.boxShadow !== "none",
    };
  });
}

/** Presses Tab until an element with the class has focus; every stop on the way must show its focus. */
async function tabTo(page: Page, className: string, limit = 250): Promise<string[]> {
  const walked: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
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

  it("the console: Tab reaches the button that opens psql, and Enter opens a terminal", async () => {
    await openLabPage(page(), "/console/");
    await page().locator("body").focus();
    const walked = await tabTo(page(), "psql-terminal__open");
    expect(walked.join("\n")).not.toContain("NO VISIBLE FOCUS");
    await page().keyboard.press("Enter");
    await page().locator(".xterm").first().waitFor();
  });
});
