import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { NODE_NAMES } from "../../shared/api-types.ts";
import { call, direct } from "../support/bridge.ts";
import { ARTIFACTS, labPage, screenshot, useBrowser } from "../support/browser.ts";
import { counts, setUpReplication } from "../support/replication.ts";

const { browser } = useBrowser();

beforeAll(async () => {
  await setUpReplication();
}, 120_000);
afterAll(async () => {
  await call("/api/lab/nodes/slave3/start", {});
});

/**
 * A fresh browser page (nothing kept from another test) on the \watch fixture page (test/fixtures/site/pages/
 * watch.mdx: two cells), with the lab up.
 */
async function watchPage(viewport = { width: 1440, height: 900 }): Promise<Page> {
  const page = await labPage(browser(), { viewport });
  await page.goto(`${inject("bridgeUrl")}/test-fixtures/watch/`);
  // Narrow screens fold the compact status away: it is there, not necessarily seen.
  await page.locator(".lab-status.compact [data-node='master'][data-state='up']").waitFor({ state: "attached" });
  return page;
}

/** "+ cell" under the page's first cell, set to run `sql` on all nodes. */
async function scratchOnAllNodes(page: Page, sql: string): Promise<Locator> {
  await page.locator("sql-cell").first().getByRole("button", { name: "Add a scratch cell below" }).click();
  const scratch = page.locator("sql-cell[data-scratch]").first();
  await scratch.getByRole("combobox", { name: "Node to run on" }).selectOption("all");
  await scratch.locator("textarea").fill(sql);
  return scratch;
}

/** The round the cell's watch last showed (the title's data-round), or 0 before the first. */
async function round(cell: Locator): Promise<number> {
  return Number(
    (await cell
      .locator(".cell-watch-title")
      .getAttribute("data-round", { timeout: 1000 })
      .catch(() => null)) ?? 0,
  );
}

/** What each node's column shows: its first value, or its error's message. */
async function columns(cell: Locator): Promise<Record<string, string>> {
  return cell
    .locator(".cell-fanout__node")
    .evaluateAll((nodes) =>
      Object.fromEntries(
        nodes.map((node) => [
          node.querySelector(".cell-fanout__head")?.firstChild?.textContent ?? "?",
          node.querySelector("td")?.textContent ?? node.querySelector(".cell-error__message")?.textContent ?? "",
        ]),
      ),
    );
}

/** The page and, closer, the cell: screenshots for people to look at. */
async function shoot(page: Page, cell: Locator, name: string) {
  await cell.scrollIntoViewIfNeeded();
  await screenshot(page, name);
  await cell.screenshot({ path: path.join(ARTIFACTS, `${name}-cell.png`) });
}

/** Nothing new: the round stays where it is for longer than two intervals of a 1 s watch. */
async function expectNoNewRound(page: Page, cell: Locator) {
  const stoppedAt = await round(cell);
  const title = await cell.locator(".cell-watch-title").textContent();
  await page.waitForTimeout(2500);
  await expect(round(cell)).resolves.toBe(stoppedAt);
  await expect(cell.locator(".cell-watch-title").textContent()).resolves.toBe(title);
}

describe("\\watch on a cell that runs on all nodes", () => {
  it(
    "re-runs on the four nodes, side by side, follows a row written on master to every follower, and " +
      "stops with Stop",
    async () => {
      const page = await watchPage();
      const cell = await scratchOnAllNodes(page, "SELECT count(*) FROM users \\watch 1");
      await cell.getByRole("button", { name: /Run/ }).click();
      const title = cell.locator(".cell-watch-title");
      await expect
        .poll(() => title.textContent().catch(() => null), { timeout: 5000 })
        .toMatch(/^Every 1 s · .+ · on all nodes$/);
      await expect(cell.locator(".sql-cell__state").textContent()).resolves.toBe("watching every 1 s");
      await expect
        .poll(() => cell.locator(".cell-fanout__node .cell-fanout__head").allTextContents())
        .toEqual([...NODE_NAMES]);

      const before = (await counts())["master"]!;
      await expect
        .poll(() => columns(cell))
        .toEqual(Object.fromEntries(NODE_NAMES.map((node) => [node, String(before)])));
      await expect(cell.locator(".cell-fanout__agreement").textContent()).resolves.toBe(
        "Same answer on master, slave1, slave2, slave3",
      );
      const seen = await round(cell);
      await direct("master", "INSERT INTO users (name, email) VALUES ('watched', 'watched@example.com')");
      // The new row shows in master's column and, once replicated, in each follower's, in later rounds of this watch.
      await expect
        .poll(() => columns(cell), { timeout: 15_000 })
        .toEqual(Object.fromEntries(NODE_NAMES.map((node) => [node, String(before + 1)])));
      expect(await round(cell)).toBeGreaterThan(seen);
      await shoot(page, cell, "watch-all-nodes-1440-light");
      await page.evaluate(() => (document.documentElement.dataset["theme"] = "dark"));
      await shoot(page, cell, "watch-all-nodes-1440-dark");

      await cell.getByRole("button", { name: "Stop" }).click();
      await expect(cell.locator(".sql-cell__state").textContent()).resolves.toBe("stopped watching");
      await expect(cell.getByRole("button", { name: "Stop" }).count()).resolves.toBe(0);
      await expectNoNewRound(page, cell);

      // The notebook keeps the last round as the cell's answer (the first had the count from before the insert).
      await page.reload();
      await page.locator(".lab-status.compact [data-node='master'][data-state='up']").waitFor();
      const restored = page.locator("sql-cell[data-scratch] .sql-cell__output.is-restored");
      await expect(restored.locator(".cell-fanout__head").first().textContent()).resolves.toBe(
        "Same answer on master, slave1, slave2, slave3",
      );
      await expect(restored.locator("td").first().textContent()).resolves.toBe(String(before + 1));
      await page.close();
    },
  );

  it("is readable at 390 px: the four nodes' answers, no sideways scrolling of the page", async () => {
    const page = await watchPage({ width: 390, height: 844 });
    const cell = await scratchOnAllNodes(page, "SELECT count(*) AS users, now()::time(0) AS at FROM users \\watch 1");
    await cell.getByRole("button", { name: /Run/ }).click();
    await expect.poll(() => round(cell), { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    await expect(cell.locator(".cell-fanout__node").count()).resolves.toBe(4);
    await cell.scrollIntoViewIfNeeded();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    for (const box of await cell
      .locator(".cell-fanout__node")
      .evaluateAll((nodes) => nodes.map((node) => node.getBoundingClientRect().toJSON()))) {
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(390);
    }
    await shoot(page, cell, "watch-all-nodes-390-light");
    await page.evaluate(() => (document.documentElement.dataset["theme"] = "dark"));
    await shoot(page, cell, "watch-all-nodes-390-dark");
    await cell.getByRole("button", { name: "Stop" }).click();
    await page.close();
  });

  it("shows a node that is down, or that errs, in its own column and goes on with the others", async () => {
    const page = await watchPage();
    // An edited cell of the page this time; the table exists on master alone, so the followers err from the start.
    await direct("master", "DROP TABLE IF EXISTS watch_master_only; CREATE TABLE watch_master_only (id int)");
    const cell = page.locator("sql-cell:not([data-scratch])").nth(1);
    await cell.locator("select").selectOption("all");
    await cell
      .locator("textarea")
      .fill("SELECT count(*) FROM users;\nSELECT count(*) FROM watch_master_only \\watch 1");
    await cell.getByRole("button", { name: /Run/ }).click();
    const relationMissing = 'relation "watch_master_only" does not exist';
    await expect
      .poll(() => columns(cell), { timeout: 5000 })
      .toEqual({ master: "0", slave1: relationMissing, slave2: relationMissing, slave3: relationMissing });
    await expect(cell.locator(".cell-fanout__node.differs .cell-fanout__head").allTextContents()).resolves.toEqual(
      ["slave1", "slave2", "slave3"].map((node) => `${node}differs from master`),
    );
    await expect(cell.locator(".cell-verdict--edited").count()).resolves.toBe(1);

    await call("/api/lab/nodes/slave3/stop", {});
    await expect.poll(() => columns(cell), { timeout: 15_000 }).toMatchObject({ slave3: 'node "slave3" is down' });
    const seen = await round(cell);
    await direct("master", "INSERT INTO watch_master_only VALUES (1)");
    await expect
      .poll(() => columns(cell), { timeout: 5000 })
      .toMatchObject({ master: "1", slave1: relationMissing, slave3: 'node "slave3" is down' });
    expect(await round(cell)).toBeGreaterThan(seen);
    await shoot(page, cell, "watch-all-nodes-node-down");

    await call("/api/lab/nodes/slave3/start", {});
    await expect.poll(() => columns(cell), { timeout: 15_000 }).toMatchObject({ slave3: relationMissing });
    await cell.getByRole("button", { name: "Stop" }).click();
    await page.close();
  });

  it("never has two rounds in flight, even when a round takes longer than the interval", async () => {
    const page = await watchPage();
    // Each round sleeps 1.5 s under a 0.5 s watch, and reports how many of its kind run on that node meanwhile.
    const cell = await scratchOnAllNodes(
      page,
      "SELECT pg_sleep(1.5)::text AS slept, (SELECT count(*) FROM pg_stat_activity WHERE query LIKE " +
        "'%slow-watch%' AND state = 'active') AS running /* slow-watch */ \\watch 0.5",
    );
    await cell.getByRole("button", { name: /Run/ }).click();
    await expect.poll(() => round(cell), { timeout: 15_000 }).toBeGreaterThanOrEqual(4);
    const running = await cell.locator(".cell-fanout__node td:nth-child(2)").allTextContents();
    expect(running).toEqual(["1", "1", "1", "1"]);
    await cell.getByRole("button", { name: "Stop" }).click();
    // Stop cancels the round in flight on the server, as Cancel does: master logs the cancel and the statement.
    const cancelled = async () => {
      const match = encodeURIComponent("canceling statement due to user request|slow-watch");
      const lines = (await call(`/api/lab/nodes/master/log?lines=20&match=${match}`)).json.lines as string[];
      return lines.some(
        (line, i) => line.includes("canceling statement due to user request") && lines[i + 1]?.includes("slow-watch"),
      );
    };
    await expect.poll(cancelled, { timeout: 5000 }).toBe(true);
    const active =
      "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%slow-watch%' AND state = 'active' AND pid <> pg_backend_pid()";
    await expect.poll(async () => (await direct("master", active)).length, { timeout: 5000 }).toBe(0);
    await page.close();
  });

  it("stops when the cell runs again, its SQL changes, or the page is left", async () => {
    for (const node of NODE_NAMES)
      await direct(node, "DROP TABLE IF EXISTS watch_rounds; CREATE TABLE watch_rounds (id serial)");
    const rounds = async () => Number((await direct("slave2", "SELECT count(*) AS n FROM watch_rounds"))[0].n);
    // Nothing new on the server for longer than two intervals of the 1 s watch: the wait is what is tested.
    const stillFor = async (page: Page) => {
      const before = await rounds();
      await page.waitForTimeout(2500);
      expect(await rounds()).toBe(before);
    };
    const page = await watchPage();
    const cell = await scratchOnAllNodes(page, "INSERT INTO watch_rounds DEFAULT VALUES RETURNING id \\watch 1");
    const run = cell.getByRole("button", { name: /Run/ });

    await run.click();
    await expect.poll(rounds, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    await cell.locator("textarea").fill("SELECT 'no longer watching' AS note");
    await expect(cell.locator(".sql-cell__state").textContent()).resolves.toBe("stopped watching");
    await stillFor(page);

    await cell.locator("textarea").fill("INSERT INTO watch_rounds DEFAULT VALUES RETURNING id \\watch 1");
    await run.click();
    await expect.poll(() => round(cell), { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    await cell.locator("textarea").fill("SELECT 'ran again' AS note");
    await run.click();
    await expect
      .poll(() =>
        cell
          .locator("td")
          .first()
          .textContent()
          .catch(() => null),
      )
      .toBe("ran again");
    await stillFor(page);

    await cell.locator("textarea").fill("INSERT INTO watch_rounds DEFAULT VALUES RETURNING id \\watch 1");
    await run.click();
    await expect.poll(() => round(cell), { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    await page.goto(`${inject("bridgeUrl")}/lab/`);
    await stillFor(page);
    await page.close();
  });
});
