import type { Locator } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { openLabPage, screenshot, useBrowser } from "../support/browser.ts";

const { page } = useBrowser();

const open = (path: string) => openLabPage(page(), path);

/** The notebook fixture page (test/fixtures/site/pages/notebook.mdx): Run all and four cells. */
const NOTEBOOK = "/test-fixtures/notebook/";

/** The page's own cells, not the learner's scratch cells. */
const lessonCell = (n: number) => page().locator("sql-cell:not([data-scratch])").nth(n);
const scratchCells = () => page().locator("sql-cell[data-scratch]");
/** What the cell answered when it ran here, not the recording nor an answer kept from before a reload. */
const liveOutput = (cell: Locator) => cell.locator(".sql-cell__output:not(.is-recorded):not(.is-restored)");
const editedMark = (cell: Locator) => cell.locator(".sql-cell__edited");

describe("the learner's own changes to a lesson", () => {
  it(
    "an edited cell is marked, its answer is not judged against the lesson, and Restore brings back the " +
      "lesson's SQL for this lab",
    async () => {
      await open(NOTEBOOK);
      const cell = lessonCell(3);
      const textarea = cell.locator("textarea");
      // The page writes {{master}}; the cell shows this lab's address, and that alone is no edit.
      await expect.poll(() => textarea.inputValue()).toContain(`port=${inject("pgPorts")["master"]}`);
      const original = await textarea.inputValue();
      expect(original).not.toContain("{{");
      await expect(editedMark(cell).isVisible()).resolves.toBe(false);
      await expect(cell.getByRole("button", { name: "Restore" }).count()).resolves.toBe(0);

      await textarea.fill("SELECT 1/0 AS my_experiment");
      await expect(editedMark(cell).isVisible()).resolves.toBe(true);
      await cell.getByRole("button", { name: /Run/ }).click();
      await expect
        .poll(() =>
          liveOutput(cell)
            .locator(".cell-error__code")
            .textContent()
            .catch(() => null),
        )
        .toBe("22012");
      // The learner's experiment fails its own way: no red "not what the lesson expects", a neutral note instead.
      await expect(cell.locator(".cell-verdict--missed").count()).resolves.toBe(0);
      await expect(cell.locator(".cell-verdict--edited").textContent()).resolves.toContain(
        "not checked against the lesson",
      );
      await cell.scrollIntoViewIfNeeded();
      await screenshot(page(), "cell-edited");

      await cell.getByRole("button", { name: "Restore" }).click();
      await expect(textarea.inputValue()).resolves.toBe(original);
      await expect(textarea.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      await expect(editedMark(cell).isVisible()).resolves.toBe(false);
      await expect(cell.getByRole("button", { name: "Restore" }).count()).resolves.toBe(0);
      await expect(cell.locator(".cell-error__code", { hasText: "22012" }).count()).resolves.toBe(0);
      await expect(cell.locator(".cell-verdict--edited").count()).resolves.toBe(0);
    },
  );

  it("Run all runs the lesson as written: with a cell edited it runs nothing and names the cell", async () => {
    await open(NOTEBOOK);
    await lessonCell(1).locator("textarea").fill("SELECT 'mine' AS note");
    await page().getByRole("button", { name: "Run all cells" }).click();
    await expect
      .poll(() => page().locator(".run-all__status").textContent())
      .toBe("Cell 2 is edited, and Run all runs the lesson as written: Restore it (or Clear my changes) first.");
    // Nothing ran: the first cell has no answer.
    await expect(lessonCell(0).locator(".sql-cell__output").innerHTML()).resolves.toBe("");
    await lessonCell(1).getByRole("button", { name: "Restore" }).click();
  });

  it(
    "edits, scratch cells and their answers come back on reload, " + "and Clear my changes brings back the lesson",
    async () => {
      await open(NOTEBOOK);
      const edited = lessonCell(1);
      const original = await edited.locator("textarea").inputValue();
      await edited.locator("textarea").fill("SELECT 'kept across reloads' AS note");
      await edited.locator("textarea").press("Control+Enter");
      await expect
        .poll(() =>
          liveOutput(edited)
            .locator("td")
            .first()
            .textContent()
            .catch(() => null),
        )
        .toBe("kept across reloads");

      // "+ cell" on the first cell: a scratch cell right below it, focused, with a node picker.
      await lessonCell(0).getByRole("button", { name: "Add a scratch cell below" }).click();
      const scratch = scratchCells().first();
      await expect(
        scratch.evaluate((el) => el.previousElementSibling === document.querySelector("sql-cell")),
      ).resolves.toBe(true);
      await expect(scratch.locator("textarea").evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      await page().keyboard.type("SELECT current_setting('port') AS port");
      await scratch.getByRole("combobox", { name: "Node to run on" }).selectOption("slave3");
      await scratch.locator("textarea").press("Control+Enter");
      const slave3Port = String(inject("pgPorts")["slave3"]);
      await expect
        .poll(() =>
          liveOutput(scratch)
            .locator("td")
            .first()
            .textContent()
            .catch(() => null),
        )
        .toBe(slave3Port);
      await expect(scratch.locator(".cell-verdict").count()).resolves.toBe(0);

      // A second scratch cell, deleted again: it does not come back.
      await lessonCell(2).getByRole("button", { name: "Add a scratch cell below" }).click();
      await expect(scratchCells().count()).resolves.toBe(2);
      await scratchCells().nth(1).getByRole("button", { name: "Delete this scratch cell" }).click();
      await expect(scratchCells().count()).resolves.toBe(1);
      await screenshot(page(), "cell-scratch");

      await page().reload();
      await page().locator(".lab-status.compact [data-node='master'][data-state='up']").waitFor();
      await expect(edited.locator("textarea").inputValue()).resolves.toBe("SELECT 'kept across reloads' AS note");
      await expect(editedMark(edited).isVisible()).resolves.toBe(true);
      await expect(edited.locator(".sql-cell__output.is-restored td").first().textContent()).resolves.toBe(
        "kept across reloads",
      );
      await expect(edited.locator(".cell-restored").textContent()).resolves.toMatch(
        /^Your last run, .+, kept by this browser\./,
      );
      await expect(scratchCells().count()).resolves.toBe(1);
      await expect(
        scratch.evaluate((el) => el.previousElementSibling === document.querySelector("sql-cell")),
      ).resolves.toBe(true);
      await expect(scratch.locator("textarea").inputValue()).resolves.toBe("SELECT current_setting('port') AS port");
      await expect(scratch.locator("select").inputValue()).resolves.toBe("slave3");
      await expect(scratch.locator(".sql-cell__output.is-restored td").first().textContent()).resolves.toBe(slave3Port);
      await screenshot(page(), "cell-edits-after-reload");

      await page().getByRole("button", { name: "Clear my changes…" }).click();
      await page().getByRole("button", { name: "Clear my changes", exact: true }).click();
      await expect(scratchCells().count()).resolves.toBe(0);
      await expect(edited.locator("textarea").inputValue()).resolves.toBe(original);
      await expect(editedMark(edited).isVisible()).resolves.toBe(false);
      await expect(page().getByText("kept across reloads").count()).resolves.toBe(0);
      await page().reload();
      await page().locator(".lab-status.compact [data-node='master'][data-state='up']").waitFor();
      await expect(scratchCells().count()).resolves.toBe(0);
      await expect(edited.locator("textarea").inputValue()).resolves.toBe(original);
      await expect(page().locator(".sql-cell__output.is-restored").count()).resolves.toBe(0);
      await expect(page().getByRole("button", { name: "Clear my changes…" }).count()).resolves.toBe(0);
    },
  );

  it("an answer too large to keep is not kept, and the edit still comes back", async () => {
    await open(NOTEBOOK);
    const cell = lessonCell(0);
    await cell.locator("select").selectOption("master");
    await cell.locator("textarea").fill("SELECT repeat('x', 300000) AS big");
    await cell.locator("textarea").press("Control+Enter");
    await liveOutput(cell).locator(".cell-table").waitFor();
    await page().reload();
    await page().locator(".lab-status.compact [data-node='master'][data-state='up']").waitFor();
    await expect(cell.locator("textarea").inputValue()).resolves.toBe("SELECT repeat('x', 300000) AS big");
    await expect(editedMark(cell).isVisible()).resolves.toBe(true);
    await expect(cell.locator(".sql-cell__output.is-restored").count()).resolves.toBe(0);
  });
});
