// What a learner's browser fetches before touching a lesson page (issue 15): at most 60 KB gzip of JavaScript,
// dynamic imports the page makes on its own included. Cells fill `{{master}}` in the build's highlighting without
// shiki, which loads when a cell is edited; pagefind's search UI loads when search is first wanted.
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { fetchedJavaScript, LESSON_PAGE_BUDGET, sitePages, watchScripts } from "../../bench/page-javascript.ts";
import { useBrowser } from "../support/browser.ts";

const { page } = useBrowser();

const SUBSCRIPTIONS = "/lessons/05-subscriptions/";
const lessonPages = () => sitePages(inject("siteDir")).filter((path) => path.startsWith("/lessons/"));

/**
 * The page has reached the lab, and every lesson cell shows this lab's connection strings, not placeholders: all
 * but lesson 12's `{{standby}}`, which is filled once its step has made the standby.
 */
async function reachedTheLab(tab: Page) {
  await tab.locator(".lab-status.compact [data-node='master'][data-state='up']").waitFor();
  await tab.waitForFunction(() =>
    [...document.querySelectorAll("sql-cell:not([data-scratch])")].every(
      (cell) =>
        cell.classList.contains("is-live") &&
        !cell
          .querySelector("textarea")!
          .value.replace(/\{\{standby[^}]*\}\}/g, "")
          .includes("{{"),
    ),
  );
}

/** The first lesson cell whose SQL names master by placeholder, once filled for this lab. */
const placeholderCell = (tab: Page) => tab.locator("sql-cell:has([data-placeholder])").first();

/** Whether the cell's highlighted layer shows exactly the textarea's text, in shiki's colours. */
const layerMatches = (tab: Page) =>
  placeholderCell(tab).evaluate((cell) => {
    const layer = cell.querySelector(".sql-cell__highlight")!;
    const coloured = layer.querySelectorAll("span[style*='--shiki-dark']").length > 0;
    return coloured && layer.textContent === cell.querySelector("textarea")!.value;
  });

describe("page weight in the browser", () => {
  it("fetches at most 60 KB gzip of JavaScript per lesson page, opened with the lab, before interaction", async () => {
    for (const path of lessonPages()) {
      const weight = await fetchedJavaScript(page(), `${inject("bridgeUrl")}${path}`, inject("siteDir"), () =>
        reachedTheLab(page()),
      );
      expect(weight.gzipBytes, `${path}: ${JSON.stringify(weight.files)}`).toBeLessThanOrEqual(LESSON_PAGE_BUDGET);
    }
    // Each of the twelve lesson pages is opened and waited on until it reaches the lab: 2 to 3 s each.
  }, 120_000);

  it("fills {{master}} in the build's highlighting, and loads the highlighter only for a learner's edit", async () => {
    const weight = await fetchedJavaScript(page(), `${inject("bridgeUrl")}${SUBSCRIPTIONS}`, inject("siteDir"), () =>
      reachedTheLab(page()),
    );
    const port = inject("pgPorts")["master"];
    const filled = placeholderCell(page()).locator(".sql-cell__highlight [data-placeholder]").first();
    await expect(filled.textContent()).resolves.toContain(`port=${port}`);
    await expect(layerMatches(page())).resolves.toBe(true);

    const later = watchScripts(page());
    const textarea = placeholderCell(page()).locator("textarea");
    await textarea.fill(`${await textarea.inputValue()}\n-- mine\nSELECT 42;`);
    await expect.poll(() => layerMatches(page())).toBe(true);
    // The highlighter came now, for the edit, and not with the page.
    const highlighter = later().filter((file) => !weight.files.some((loaded) => loaded.file === file));
    expect(highlighter.length).toBeGreaterThan(0);
  });

  it("loads the search UI when search is first wanted, and it finds lessons", async () => {
    const weight = await fetchedJavaScript(page(), `${inject("bridgeUrl")}${SUBSCRIPTIONS}`, inject("siteDir"), () =>
      reachedTheLab(page()),
    );
    await expect(page().locator("#starlight__search input").count()).resolves.toBe(0);
    const later = watchScripts(page());
    await page().getByRole("button", { name: "Search" }).first().click();
    const input = page().locator("#starlight__search input");
    await expect(input.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await input.fill("replication slot");
    // The search UI and its index load now, over a busy machine: a few seconds more than expect.poll's default.
    await expect.poll(() => page().locator(".pagefind-ui__result").count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(later().filter((file) => !weight.files.some((loaded) => loaded.file === file)).length).toBeGreaterThan(0);
  });
});
