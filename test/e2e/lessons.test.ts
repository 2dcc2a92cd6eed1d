import { beforeAll, describe, expect, inject, it } from "vitest";
import { call } from "../support/bridge.ts";
import { ARTIFACTS, openLabPage, screenshot, useBrowser } from "../support/browser.ts";
import { pattern } from "../support/pattern.ts";

const { page } = useBrowser();

beforeAll(async () => {
  expect((await call("/api/lab/reset", {})).status).toBe(200);
});

const cell = (n: number) => page().locator("sql-cell").nth(n);
/** The cell's live output: before it runs, a cell may show the answer recorded when the lessons were replayed. */
const output = (n: number) => cell(n).locator(".sql-cell__output:not(.is-recorded)");

const open = (path: string) => openLabPage(page(), path);

/** Waits until the cell has finished running and shows an answer. */
async function settled(n: number) {
  await output(n).locator(".cell-node-output").first().waitFor();
  await expect.poll(() => cell(n).evaluate((el) => el.classList.contains("is-running"))).toBe(false);
}

describe("lessons in a real browser", () => {
  it("lesson 1 draws what travels, in a layout that fits the screen, before the terms are used", async () => {
    await open("/lessons/01-logical-replication/");
    const diagram = page().getByRole("img", { name: /A row change on master is logged as WAL records/ });
    await expect(diagram.first().isVisible()).resolves.toBe(true);
    const wide = page().locator(".replication-diagram__svg--wide");
    const narrow = page().locator(".replication-diagram__svg--narrow");
    await expect(wide.isVisible()).resolves.toBe(true);
    await expect(narrow.isVisible()).resolves.toBe(false);
    await page().setViewportSize({ width: 390, height: 900 });
    await expect(wide.isVisible()).resolves.toBe(false);
    await expect(narrow.isVisible()).resolves.toBe(true);
    const box = await narrow.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    await page()
      .locator(".replication-diagram")
      .screenshot({ path: `${ARTIFACTS}/lesson-01-diagram-390.png` });
    await page().setViewportSize({ width: 1280, height: 900 });
    // The glossary comes before the first cell, so every term is defined before a cell uses it.
    const glossaryFirst = await page().evaluate(() => {
      const table = document.querySelector(".sl-markdown-content table");
      const cell = document.querySelector("sql-cell");
      return !!table && !!cell && (table.compareDocumentPosition(cell) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    });
    expect(glossaryFirst).toBe(true);
  });

  it("lesson 1: a failing statement shows its SQLSTATE and a caret under the position", async () => {
    await open("/lessons/01-logical-replication/");
    const last = (await page().locator("sql-cell").count()) - 1;
    await cell(last).locator(".sql-cell__run").click();
    await settled(last);
    const error = output(last).locator(".cell-error");
    await expect(error.locator(".cell-error__code").textContent()).resolves.toBe("42P01");
    const pointer = (await error.locator(".cell-error__pointer").textContent()) ?? "";
    const [line, caret] = pointer.split("\n");
    expect(line).toBe("LINE 2: SELECT * FROM no_such_table;");
    expect(line!.slice(caret!.indexOf("^"))).toMatch(/^no_such_table/);
    await expect(output(last).locator(".cell-verdict--met").textContent()).resolves.toContain("expected");
    await expect(output(last).locator(".cell-table td").first().textContent()).resolves.toBe("1");
  });

  it(
    "lesson 3 by keyboard: Shift+Enter runs each cell and moves on; " + "the fan-out marks the nodes that differ",
    async () => {
      await open("/lessons/03-schema/");
      const count = await page().locator("sql-cell").count();
      await cell(0).locator("textarea").focus();
      for (let n = 0; n < count; n++) {
        await page().keyboard.press("Shift+Enter");
        await settled(n);
      }
      // \dt on every node: psql's own layout, the same on all four, so shown once.
      await expect(output(1).locator(".cell-fanout-same .cell-fanout__head").textContent()).resolves.toBe(
        "Same answer on master, slave1, slave2, slave3",
      );
      const dt = await output(1).locator(".cell-psql").allTextContents();
      expect(dt).toHaveLength(1);
      expect(dt[0]).toContain("List of tables");
      expect(dt[0]).toMatch(/public \| users \| table \| postgres/);
      // \d users on master.
      await expect(output(2).locator(".cell-psql").textContent()).resolves.toContain('Table "public.users"');
      // One row on master, none elsewhere, and the others marked.
      const counts = output(count - 1).locator(".cell-fanout__node");
      await expect(counts.locator("td").allTextContents()).resolves.toEqual(["1", "0", "0", "0"]);
      await expect(
        output(count - 1)
          .locator(".cell-fanout__badge")
          .count(),
      ).resolves.toBe(3);
      await screenshot(page(), "lesson-03-by-keyboard");
    },
  );

  it("lesson 4 by button: \\dRp+ shows the publication as psql does, and the catalogs as tables", async () => {
    await open("/lessons/04-publication/");
    const count = await page().locator("sql-cell").count();
    for (let n = 0; n < count; n++) {
      await cell(n).locator(".sql-cell__run").click();
      await settled(n);
      await expect(output(n).locator(".cell-verdict--missed").count()).resolves.toBe(0);
    }
    const dRp = (await output(1).locator(".cell-psql").textContent()) ?? "";
    expect(dRp).toContain("Publication userpub");
    expect(dRp).toMatch(/Owner\s+\|\s+All tables\s+\|\s+Inserts\s+\|\s+Updates\s+\|\s+Deletes\s+\|\s+Truncates/);
    expect(dRp).toContain('Tables:\n    "public.users"');
    const headers = await output(2).locator(".cell-table th").allTextContents();
    expect(headers).toEqual(expect.arrayContaining(["pubname", "puballtables", "pubtruncate"]));
    await expect(output(2).locator(".cell-table th", { hasText: "pubtruncate" }).getAttribute("title")).resolves.toBe(
      "boolean",
    );
    await screenshot(page(), "lesson-04-publication");
  });

  it(
    "lesson 5 with Run all: the duplicate slot error is expected, " + "explained, and the row reaches every node",
    async () => {
      await open("/lessons/05-subscriptions/");
      await page().getByRole("button", { name: "Run all cells" }).click();
      const status = page().locator(".run-all__status");
      await expect
        .poll(() => status.textContent(), { timeout: 60_000 })
        .toMatch(/^All \d+ cells ran as expected, and the lab is in the state this lesson builds\.$/);
      const duplicate = page().locator("sql-cell[data-expect='error:08P01']");
      await expect(duplicate.locator(".cell-error--expected .cell-error__message").textContent()).resolves.toBe(
        'could not create replication slot "usersub": ERROR:  replication slot "usersub" already exists',
      );
      await expect(duplicate.locator(".cell-verdict--met").textContent()).resolves.toContain("This error is expected");
      // The slot notice is shown with the function of the subscriber's server that raised it.
      const notice = page().locator("sql-cell[data-expect='notice:CreateSubscription'] .cell-notice");
      await expect(notice.textContent()).resolves.toMatch(
        pattern(
          String.raw`^NOTICE: created replication slot "usersub" on `,
          String.raw`publisherLOCATION: CreateSubscription, subscriptioncmds\.c:\d+$`,
        ),
      );
      // The subscriber health check, folded after its first use, answers with a running apply worker.
      const health = page().locator("sql-cell:has(.sql-cell__fold)").first();
      await expect(health.locator(".sql-cell__fold").getAttribute("open")).resolves.toBeNull();
      await expect(health.locator("td").nth(2).textContent()).resolves.toBe("running");
      // The connection string was filled in from the running lab.
      const conninfo = await page().locator("sql-cell textarea").first().inputValue();
      expect(conninfo).toContain(`port=${inject("pgPorts")["master"]}`);
      await duplicate.scrollIntoViewIfNeeded();
      await screenshot(page(), "lesson-05-run-all");
    },
  );
});
