import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import path from "node:path";
import { direct, nodeLogin } from "../support/bridge.ts";
import { ARTIFACTS, screenshot, useBrowser } from "../support/browser.ts";
import { counts, setUpReplication, setUpReplicationTo } from "../support/replication.ts";

const { page } = useBrowser();

beforeAll(async () => {
  await setUpReplication();
}, 60_000);

const tileCount = (name: string) =>
  page()
    .locator(`live-monitor .monitor__tile[data-node="${name}"]`)
    .evaluate((el) => Number((el as HTMLElement).dataset["count"] || NaN));

const HOLD_LOCK = 4242;

/**
 * Holds a load run halfway until released: while this holds an advisory lock, each INSERT on master past the
 * 2000th waits for it, at most 1 s (well under the lab's statement_timeout, so no write fails), and the run
 * creeps on a few rows a second. How long the middle lasts is then up to the test, not the machine's speed.
 */
async function holdHalfway(): Promise<{ release(): Promise<void>; remove(): Promise<void> }> {
  await direct(
    "master",
    `CREATE FUNCTION hold_halfway() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF NEW.id > 2000 THEN
         FOR attempt IN 1..20 LOOP
           EXIT WHEN pg_try_advisory_xact_lock_shared(${HOLD_LOCK});
           PERFORM pg_sleep(0.05);
         END LOOP;
       END IF;
       RETURN NEW;
     END $$;
     CREATE TRIGGER hold_halfway BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION hold_halfway();`,
  );
  const holder = new pg.Client(nodeLogin("master"));
  await holder.connect();
  await holder.query(`SELECT pg_advisory_lock(${HOLD_LOCK})`);
  return {
    release: () => holder.end(),
    // Once the run is over: dropping the trigger earlier would wait for the INSERTs it holds.
    remove: () => direct("master", "DROP TRIGGER hold_halfway ON users; DROP FUNCTION hold_halfway()").then(() => {}),
  };
}
describe("lesson 6 in a real browser", () => {
  // This one took 10 s to 29 s on a busy 2-core machine, against the default 30 s: its waits bound each step.
  it(
    "a run started from the page moves the monitor's counts, " + "which converge; the verdict says nothing was lost",
    async () => {
      await page().goto(`${inject("bridgeUrl")}/lessons/06-load-and-watch/`);
      await expect.poll(() => tileCount("slave3"), { timeout: 10_000 }).toBe(0);
      await page().locator("load-run input[name=requests]").fill("4000");
      await page().locator("load-run input[name=concurrency]").fill("8");
      await page().locator("live-monitor").scrollIntoViewIfNeeded();
      // Watch the monitor while the run goes: master's count must be seen between the start and the end. The run
      // is held halfway until it is, so a fast machine can't finish it between two of the monitor's samples.
      const hold = await holdHalfway();
      try {
        await page().getByRole("button", { name: "Start the load" }).click();
        const between = "the monitor shows master's count between 0 and 4000 while the run is held there";
        await expect
          .poll(() => tileCount("master"), { timeout: 15_000, message: between })
          .toSatisfy((n: number) => n > 0 && n < 4000);
        await expect.poll(() => page().locator("load-run").getAttribute("data-phase")).toBe("running");
        await screenshot(page(), "lesson-06-monitor");
      } finally {
        await hold.release();
      }
      await expect.poll(() => page().locator("load-run").getAttribute("data-phase"), { timeout: 60_000 }).toBe("done");
      await hold.remove();
      for (const name of ["master", "slave1", "slave2", "slave3"]) {
        await expect.poll(() => tileCount(name), { timeout: 10_000 }).toBe(4000);
      }
      await expect(page().locator("load-run .load-run__verdict strong").textContent()).resolves.toBe(
        "✓ Nothing lost: 4,000 acknowledged writes, and every node has them.",
      );
      await expect(page().locator("load-run .load-run__metrics").textContent()).resolves.toContain("http_req_duration");
      expect(await counts()).toEqual({ master: 4000, slave1: 4000, slave2: 4000, slave3: 4000 });
      await page().locator("load-run").scrollIntoViewIfNeeded();
      await screenshot(page(), "lesson-06-verdict");
    },
    90_000,
  );

  it("stops and starts a follower from its tile, which shows it down and then catching up", async () => {
    const tile = page().locator('live-monitor .monitor__tile[data-node="slave2"]');
    await tile.getByRole("button", { name: "Stop" }).click();
    await expect.poll(() => tile.getAttribute("data-state"), { timeout: 15_000 }).toBe("down");
    await expect(tile.locator(".monitor__state").textContent()).resolves.toBe("down");
    await screenshot(page(), "lesson-06-slave2-down");
    await tile.getByRole("button", { name: "Start" }).click();
    await expect.poll(() => tile.getAttribute("data-state"), { timeout: 15_000 }).toBe("up");
    await expect.poll(() => tileCount("slave2"), { timeout: 15_000 }).toBe(4000);
  });

  // Last: it writes a user, and the tests above count from an empty table.
  it("gives the API's curl command with the address of the bridge the page came from", async () => {
    await page().goto(`${inject("bridgeUrl")}/lessons/06-load-and-watch/`);
    const command = (await page().locator("lab-command code").first().textContent()) ?? "";
    expect(command.split("\n")[0]).toBe(`curl -X POST ${inject("bridgeUrl")}/async-users \\`);
    // And the command works as printed: one user written on master, acknowledged with 201.
    const body = /-d '(.*)'/.exec(command)![1]!;
    const response = await fetch(`${inject("bridgeUrl")}/async-users`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
    });
    expect(response.status).toBe(201);
  });
});

describe("lesson 6's verdict on a lab where lesson 5 was not run to its end", () => {
  // Other test files share the lab: leave every follower subscribed again.
  afterAll(setUpReplication, 60_000);

  it("says slave2 and slave3 are not subscribed to userpub and what to do, not that writes were lost", async () => {
    await setUpReplicationTo(["slave1"]);
    await page().setViewportSize({ width: 1440, height: 900 });
    await page().goto(`${inject("bridgeUrl")}/lessons/06-load-and-watch/`);
    await expect.poll(() => tileCount("slave3"), { timeout: 10_000 }).toBe(0);
    await page().locator("load-run input[name=requests]").fill("500");
    await page().locator("load-run input[name=concurrency]").fill("10");
    await page().getByRole("button", { name: "Start the load" }).click();
    await expect.poll(() => page().locator("load-run").getAttribute("data-phase"), { timeout: 60_000 }).toBe("done");
    const verdict = page().locator("load-run .load-run__verdict");
    await expect(verdict.getAttribute("data-outcome")).resolves.toBe("unreplicated");
    await expect(verdict.locator("strong").textContent()).resolves.toBe(
      "✗ slave2 and slave3 are not subscribed to userpub, so they never received these rows: lesson 5 " +
        "creates their subscriptions " +
        "(or use “Start this lesson from a known state” at the top of lesson 6's page).",
    );
    await expect(verdict.locator(".load-run__note").textContent()).resolves.toBe(
      "Nothing was lost: master and slave1 have all 500 acknowledged writes.",
    );
    await expect(verdict.locator("li[data-node=slave2]").textContent()).resolves.toBe(
      "slave2 +0 rows, 500 rows behind master: not subscribed to userpub",
    );
    await expect(verdict.locator("li[data-node=slave1]").textContent()).resolves.toMatch(
      /^slave1 \+500 rows, caught up \d+ ms after the last acknowledged write$/,
    );
    expect(await counts()).toEqual({ master: 500, slave1: 500, slave2: 0, slave3: 0 });
    await page().locator("load-run").scrollIntoViewIfNeeded();
    await page()
      .locator("load-run")
      .screenshot({ path: path.join(ARTIFACTS, "lesson-06-verdict-unsubscribed-1440.png") });
    // A phone's width; tall enough that the whole run fits in one shot.
    await page().setViewportSize({ width: 390, height: 1600 });
    await page().locator("load-run").scrollIntoViewIfNeeded();
    await page()
      .locator("load-run")
      .screenshot({ path: path.join(ARTIFACTS, "lesson-06-verdict-unsubscribed-390.png") });
    // At 390 px the verdict wraps inside the page: nothing sticks out sideways.
    const overflow = await page().evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    await page().setViewportSize({ width: 1280, height: 900 });
  });
});
