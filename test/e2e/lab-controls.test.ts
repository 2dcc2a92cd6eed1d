import { afterAll, describe, expect, inject, it } from "vitest";
import { call, direct } from "../support/bridge.ts";
import { screenshot, useBrowser } from "../support/browser.ts";
import { setUpReplication } from "../support/replication.ts";
import { pattern } from "../support/pattern.ts";

const { page } = useBrowser();

afterAll(async () => {
  await call("/api/lab/nodes/slave3/start", {});
});

const panel = ".lab-status:not(.compact)";
/** The lab actions fixture page (test/fixtures/site/pages/lab-actions.mdx): the two second-server demonstrations. */
const LAB_ACTIONS = "/test-fixtures/lab-actions/";

describe("lab controls in a real browser", () => {
  it("the status panel's Stop and Start change the node's state on screen", async () => {
    await page().goto(`${inject("bridgeUrl")}/lab/`);
    const slave3 = page().locator(`${panel} [data-node="slave3"]`);
    await slave3.and(page().locator("[data-state='up']")).waitFor();
    await page().getByRole("button", { name: "Stop slave3" }).click();
    await slave3.and(page().locator("[data-state='down']")).waitFor({ timeout: 15_000 });
    await expect(page().locator(".lab-status.compact [data-node='slave3']").getAttribute("data-state")).resolves.toBe(
      "down",
    );
    await screenshot(page(), "lab-controls-slave3-down");
    await page().getByRole("button", { name: "Start slave3" }).click();
    await slave3.and(page().locator("[data-state='up']")).waitFor({ timeout: 15_000 });
  });

  it("resets the lab only after a confirmation", async () => {
    await setUpReplication();
    await page().goto(`${inject("bridgeUrl")}/lab/`);
    await page().getByRole("button", { name: "Reset the lab…" }).click();
    await expect(page().locator(".lab-reset__confirm").textContent()).resolves.toContain("Drop every subscription");
    await page().getByRole("button", { name: "Cancel" }).click();
    expect(await direct("master", "SELECT pubname FROM pg_publication")).toEqual([{ pubname: "userpub" }]);
    await page().getByRole("button", { name: "Reset the lab…" }).click();
    await page().getByRole("button", { name: "Yes, reset" }).click();
    await expect
      .poll(() => page().locator(".lab-reset__status").textContent(), { timeout: 30_000 })
      .toMatch(/^✓ The lab is fresh/);
    expect(await direct("master", "SELECT pubname FROM pg_publication")).toEqual([]);
    expect(await direct("slave1", "SELECT subname FROM pg_subscription")).toEqual([]);
    expect(await direct("master", "SELECT slot_name FROM pg_replication_slots")).toEqual([]);
  });

  it(
    "lesson 3 starts from a known state: replayed with a progress bar the first time, restored from its " +
      "snapshot the next",
    async () => {
      await direct("master", "CREATE TABLE IF NOT EXISTS users (id int)");
      await page().goto(`${inject("bridgeUrl")}/lessons/03-schema/`);
      const catchUp = page().locator("catch-up");
      const status = catchUp.locator(".lab-reset__status");
      const start = async () => {
        await catchUp.getByRole("button", { name: "Start this lesson from a known state…" }).click();
        await catchUp.getByRole("button", { name: "Replace the lab's state" }).click();
        await expect.poll(() => catchUp.getAttribute("data-done"), { timeout: 90_000 }).not.toBeNull();
        await expect(
          catchUp.locator("progress").evaluate((el: HTMLProgressElement) => !el.hidden && el.value === el.max),
        ).resolves.toBe(true);
        return (await status.textContent()) ?? "";
      };
      // Another test file may already have kept lesson 3's start; whichever way it was reached, the page says so.
      expect(await start()).toMatch(
        pattern(
          String.raw`^✓ The lab is at the start of this lesson: (\d+ cells replayed in [\d.]+ s\. `,
          String.raw`A snapshot was kept|restored from its snapshot in [\d.]+ s)`,
        ),
      );
      expect(await direct("master", "SELECT to_regclass('users') AS users")).toEqual([{ users: null }]);
      await direct("master", "CREATE TABLE users (id int)");
      expect(await start()).toMatch(
        /^✓ The lab is at the start of this lesson: restored from its snapshot in [\d.]+ s\.$/,
      );
      await expect(catchUp.getAttribute("data-done")).resolves.toBe("restore");
      expect(await direct("master", "SELECT to_regclass('users') AS users")).toEqual([{ users: null }]);
      await catchUp.scrollIntoViewIfNeeded();
      await screenshot(page(), "lesson-03-known-state");
    },
    120_000,
  );

  it("lesson 6 starts from a known state: lessons 1 to 5's subscriptions stream", async () => {
    await page().goto(`${inject("bridgeUrl")}/lessons/06-load-and-watch/`);
    const catchUp = page().locator("catch-up");
    await catchUp.getByRole("button", { name: "Start this lesson from a known state…" }).click();
    await catchUp.getByRole("button", { name: "Replace the lab's state" }).click();
    await expect.poll(() => catchUp.getAttribute("data-done"), { timeout: 90_000 }).not.toBeNull();
    await expect(catchUp.locator(".lab-reset__status").textContent()).resolves.toMatch(
      /^✓ The lab is at the start of this lesson/,
    );
    await expect
      .poll(
        async () =>
          (
            await direct(
              "master",
              "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming' ORDER BY 1",
            )
          ).map((row) => row.application_name),
        { timeout: 15_000 },
      )
      .toEqual(["usersub", "usersub", "usersub3"]);
  }, 120_000);

  it("a second server on master's data folder is refused by PostgreSQL, shown in place", async () => {
    await page().goto(`${inject("bridgeUrl")}${LAB_ACTIONS}`);
    const action = page().locator("lab-action[data-action='second-postmaster']");
    await action.getByRole("button").click();
    await expect.poll(() => action.getAttribute("data-met"), { timeout: 15_000 }).toBe("true");
    await expect(action.locator(".lab-action__output").textContent()).resolves.toContain(
      'lock file "postmaster.pid" already exists',
    );
    await expect(action.locator(".lab-action__status").textContent()).resolves.toBe("✓ Refused: master is untouched.");
    await action.scrollIntoViewIfNeeded();
    await screenshot(page(), "lab-action-second-server");
  });

  it("a scratch cluster shows the PID check passing and the shared-memory check refusing", async () => {
    await page().goto(`${inject("bridgeUrl")}${LAB_ACTIONS}`);
    const action = page().locator("lab-action[data-action='lock-file-parent-pid']");
    await action
      .getByRole("button", { name: "Try it on a scratch cluster, with a lock file that names the new server's parent" })
      .click();
    await expect.poll(() => action.getAttribute("data-met"), { timeout: 30_000 }).toBe("true");
    const output = (await action.locator(".lab-action__output").textContent()) ?? "";
    expect(output).toMatch(/FATAL: {2}pre-existing shared memory block \(key \d+, ID \d+\) is still in use/);
    expect(output).not.toContain("already exists");
    await expect(action.locator(".lab-action__status").textContent()).resolves.toBe(
      "✓ The PID check let it through; the shared-memory check refused it. The scratch cluster is gone.",
    );
    await action.scrollIntoViewIfNeeded();
    await screenshot(page(), "lab-action-lock-file-parent-pid");
  });
});
