import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import express from "express";
import type { Locator, Page } from "playwright-core";
import { afterAll, describe, expect, inject, it } from "vitest";
import recorded from "../../src/data/recorded.json" with { type: "json" };
import type { Recording } from "../../shared/lessons/recorded.ts";
import { call, direct, nodeConninfo } from "../support/bridge.ts";
import { ARTIFACTS, openLabPage, screenshot, useBrowser } from "../support/browser.ts";

const { page } = useBrowser();

afterAll(async () => {
  await call("/api/lab/nodes/slave2/start", {});
});

/** The cells fixture page (test/fixtures/site/pages/cells.mdx), opened with the lab up. */
async function openCells(): Promise<void> {
  await openLabPage(page(), "/test-fixtures/cells/");
}

/** The fixture page's second cell, rewritten for the test: every cell is editable. */
async function cellWith(sql: string, node = "master"): Promise<Locator> {
  await openCells();
  const cell = page().locator("sql-cell").nth(1);
  await cell.locator("select").selectOption(node);
  await cell.locator("textarea").fill(sql);
  return cell;
}

describe("a cell in a real browser", () => {
  it("keeps its highlighting while being edited, and runs what was typed", async () => {
    const cell = await cellWith("SELECT 'typed here' AS greeting, repeat('x', 400) AS long_value, NULL AS nothing");
    await expect
      .poll(() => cell.locator(".sql-cell__highlight").innerHTML())
      .toMatch(/<span style="[^"]*--shiki-dark[^"]*">SELECT<\/span>/);
    await cell.locator("textarea").press("Control+Enter");
    const table = cell.locator(".sql-cell__output:not(.is-recorded) .cell-table");
    await table.waitFor();
    // Ctrl+Enter runs and stays in the cell.
    await expect(cell.locator("textarea").evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await expect(table.locator("td").first().textContent()).resolves.toBe("typed here");
    await expect(table.locator("th").first().getAttribute("title")).resolves.toBe("text");
    // NULL is marked as such; a long value is folded until asked for.
    await expect(table.locator(".cell-null").textContent()).resolves.toBe("NULL");
    const unfold = table.getByRole("button", { name: "show all 400 characters" });
    await unfold.click();
    await expect(table.locator("td").nth(1).textContent()).resolves.toBe("x".repeat(400));
  });

  it(
    "runs with Shift+Enter and moves to the next cell; a failing statement shows its SQLSTATE and a " +
      "caret under the position",
    async () => {
      await openCells();
      const third = page().locator("sql-cell").nth(2);
      const failing = page().locator("sql-cell").nth(3);
      const live = (cell: Locator) => cell.locator(".sql-cell__output:not(.is-recorded)");
      await third.locator("textarea").focus();
      await page().keyboard.press("Shift+Enter");
      await expect
        .poll(() =>
          live(third)
            .locator("td")
            .first()
            .textContent()
            .catch(() => null),
        )
        .toBe("third");
      await expect(failing.locator("textarea").evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      await page().keyboard.press("Shift+Enter");
      const error = live(failing).locator(".cell-error");
      await expect
        .poll(() =>
          error
            .locator(".cell-error__code")
            .textContent()
            .catch(() => null),
        )
        .toBe("42703");
      const [line, caret] = ((await error.locator(".cell-error__pointer").textContent()) ?? "").split("\n");
      expect(line).toBe("LINE 1: SELECT relname, no_such_column FROM pg_class LIMIT 1");
      expect(line!.slice(caret!.indexOf("^"))).toMatch(/^no_such_column/);
      // The fixture expects this error: the verdict says it was expected.
      await expect(live(failing).locator(".cell-verdict--met").textContent()).resolves.toContain("expected");
      await failing.scrollIntoViewIfNeeded();
      await screenshot(page(), "fixture-cells-error-caret");
    },
  );

  it("shows a running cell as running, and Cancel really cancels it on the server", async () => {
    const cell = await cellWith("SELECT pg_sleep(20) /* cancel me */");
    await cell.locator(".sql-cell__run").click();
    await expect.poll(() => cell.locator(".sql-cell__state").textContent()).toMatch(/^running… /);
    const active =
      "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%cancel me%' AND state = 'active' AND pid <> pg_backend_pid()";
    await expect.poll(async () => (await direct("master", active)).length).toBe(1);
    await screenshot(page(), "cell-running");
    await cell.getByRole("button", { name: "Cancel" }).click();
    await expect
      .poll(() =>
        cell
          .locator(".cell-error__code")
          .textContent()
          .catch(() => null),
      )
      .toBe("57014");
    await expect(cell.locator(".cell-error__message").textContent()).resolves.toBe(
      "canceling statement due to user request",
    );
    expect(await direct("master", active)).toHaveLength(0);
  });

  it("says so when its node is down, and the other nodes still answer", async () => {
    await call("/api/lab/nodes/slave2/stop", {});
    const cell = await cellWith("SELECT 1", "slave2");
    await cell.locator(".sql-cell__run").click();
    await expect
      .poll(() =>
        cell
          .locator(".cell-error__message")
          .textContent()
          .catch(() => null),
      )
      .toBe('node "slave2" is down');
    await expect(cell.locator(".cell-error").textContent()).resolves.toContain("Start slave2 again to run this cell.");
    await cell.locator("select").selectOption("all");
    await cell.locator(".sql-cell__run").click();
    await expect.poll(() => cell.locator(".cell-fanout__node").count()).toBe(4);
    await expect(cell.locator(".cell-fanout__node.differs .cell-fanout__head").textContent()).resolves.toContain(
      "slave2",
    );
    await screenshot(page(), "cell-node-down");
    await call("/api/lab/nodes/slave2/start", {});
  });

  it("re-runs a \\watch query live until stopped", async () => {
    const cell = await cellWith("SELECT now()::time(0) AS at\n\\watch 1");
    await cell.locator(".sql-cell__run").click();
    const title = cell.locator(".cell-watch-title");
    await title.waitFor({ timeout: 5000 });
    const first = await title.textContent();
    await expect.poll(() => title.textContent(), { timeout: 5000 }).not.toBe(first);
    expect(first).toMatch(/^Every 1 s · .+ · on master$/);
    await cell.getByRole("button", { name: "Stop" }).click();
    await expect(cell.locator(".sql-cell__state").textContent()).resolves.toBe("stopped watching");
    const stopped = await title.textContent();
    // Nothing may re-run once stopped. Rather than a fixed pause, let another cell's \watch at the same interval
    // show two more runs after its first: a loop of the stopped cell would have changed its title meanwhile.
    const control = page().locator("sql-cell").nth(2);
    await control.locator("select").selectOption("master");
    await control.locator("textarea").fill("SELECT 2 AS control\n\\watch 1");
    await control.locator(".sql-cell__run").click();
    const titles = new Set<string>();
    const runsSeen = async () => {
      for (const text of await control.locator(".cell-watch-title").allTextContents()) titles.add(text);
      return titles.size;
    };
    await expect.poll(runsSeen, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await control.getByRole("button", { name: "Stop" }).click();
    await expect(title.textContent()).resolves.toBe(stopped);
  });

  it("reads well from a static host, and says how to start the lab when run", async () => {
    const app = express().use(express.static(inject("siteDir")));
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    try {
      await page().goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/lessons/04-publication/`);
      const cell = page().locator("sql-cell").first();
      await expect(cell.locator(".sql-cell__highlight").textContent()).resolves.toContain(
        "CREATE PUBLICATION userpub FOR TABLE users;",
      );
      // Before it runs, the cell shows what the last replay of the lessons recorded, marked as such.
      await expect(cell.locator(".cell-recorded").textContent()).resolves.toMatch(
        /^Recorded on PostgreSQL 18\.\d+ when the lessons were last replayed/,
      );
      await expect(page().locator("sql-cell").nth(1).locator(".cell-psql").textContent()).resolves.toContain(
        "Publication userpub",
      );
      await cell.locator(".sql-cell__run").click();
      await expect(cell.locator(".cell-offline").textContent()).resolves.toContain("npm start");
      await expect(cell.locator(".cell-recorded").count()).resolves.toBe(1);
      // Run all says the lab is missing, not that the lesson went wrong, and runs nothing.
      await page().getByRole("button", { name: "Run all cells" }).click();
      await expect(page().locator(".run-all__status").textContent()).resolves.toMatch(
        /^Run all needs the running lab: start it with npm start/,
      );
      await expect(page().locator(".cell-offline").count()).resolves.toBe(1);
      await screenshot(page(), "lesson-static-offline");
    } finally {
      server.close();
    }
  });

  it(
    "shows a placeholder as the recorded connection string on a static host, marked as such, and the " +
      "lab's own from the lab",
    async () => {
      const recording = recorded as unknown as Recording;
      const master = recording.conninfo?.master ?? "";
      expect(master).toMatch(/^host=127\.0\.0\.1 port=\d+ user=postgres password=\*+ dbname=replication$/);
      const app = express().use(express.static(inject("siteDir")));
      const server: Server = await new Promise((resolve) => {
        const s = app.listen(0, "127.0.0.1", () => resolve(s));
      });
      const subscription = (on: Page) => on.locator("sql-cell", { hasText: "CREATE SUBSCRIPTION usersub" }).first();
      try {
        for (const width of [1440, 390]) {
          await page().setViewportSize({ width, height: 900 });
          await page().goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/lessons/05-subscriptions/`);
          const cell = subscription(page());
          await expect(cell.locator("textarea").inputValue()).resolves.toBe(
            `CREATE SUBSCRIPTION usersub\n    CONNECTION '${master}'\n    PUBLICATION userpub;`,
          );
          await expect(cell.locator(".sql-cell__highlight").textContent()).resolves.not.toContain("{{");
          const note = cell.locator(".sql-cell__recorded-conninfo");
          await expect(note.isVisible()).resolves.toBe(true);
          await expect(note.textContent()).resolves.toMatch(
            /^\s*Recorded connection string \(password masked\): the one the lessons were recorded with\./,
          );
          // Filled-in placeholders are not an edit, recorded ones neither.
          await expect(cell.locator(".sql-cell__edited").isHidden()).resolves.toBe(true);
          await cell.scrollIntoViewIfNeeded();
          await cell.screenshot({ path: path.join(ARTIFACTS, `cell-recorded-conninfo-${width}.png`) });
        }
        // A password the lesson gives itself is shown as the lesson has it, and the note doesn't call it masked.
        await page().goto(
          `http://127.0.0.1:${(server.address() as AddressInfo).port}/lessons/09-pitfalls-and-security/`,
        );
        const own = page().locator("sql-cell", { hasText: "CREATE SUBSCRIPTION as_replicator" }).first();
        await expect(own.locator("textarea").inputValue()).resolves.toContain(
          " user=replicator password=replicator dbname=replication'",
        );
        await expect(own.locator(".sql-cell__recorded-conninfo").textContent()).resolves.toMatch(
          /^\s*Recorded connection string: the one/,
        );
      } finally {
        server.close();
        await page().setViewportSize({ width: 1280, height: 900 });
      }
      // From the lab, the live connection string takes its place, and the note is gone.
      await page().goto(`${inject("bridgeUrl")}/lessons/05-subscriptions/`);
      const live = subscription(page());
      await expect
        .poll(() => live.locator("textarea").inputValue())
        .toContain(`CONNECTION '${await nodeConninfo("master")}'`);
      await expect(live.locator(".sql-cell__recorded-conninfo").count()).resolves.toBe(0);
      await expect(live.locator(".sql-cell__edited").isHidden()).resolves.toBe(true);
    },
  );
});
