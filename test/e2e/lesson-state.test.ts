// The lessons' live state checks in a real browser: Run all is safe to repeat, a drifted lab is named line by
// line with its fix, and each fix works. Repros of issue 11: lesson 3 run twice doubled its row and lesson 5
// then failed at its third cell with nothing saying why.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { call, direct } from "../support/bridge.ts";
import { openLabPage, screenshot, useBrowser } from "../support/browser.ts";
import { pattern } from "../support/pattern.ts";

const { browser, page } = useBrowser();

beforeAll(async () => {
  expect((await call("/api/lab/reset", {})).status).toBe(200);
});

const open = (path: string) => openLabPage(page(), path);

const runAllStatus = () => page().locator(".run-all__status").textContent();

async function runAll(expected: RegExp, timeout = 120_000) {
  await page().getByRole("button", { name: "Run all cells" }).click();
  await expect.poll(runAllStatus, { timeout }).toMatch(expected);
}

async function usersOn(node: "master" | "slave1" | "slave2" | "slave3"): Promise<number> {
  return Number((await direct(node, "SELECT count(*)::int AS n FROM users"))[0].n);
}

const check = (n: number) => page().locator(`lesson-state [data-check="built-${n}"]`);

describe("state checks on the lesson pages", () => {
  it("lesson 3 run twice leaves one row on master, and its checks say so", async () => {
    await open("/lessons/02-settings/");
    await runAll(/^All \d+ cells ran as expected, and the lab is in the state this lesson builds\.$/);
    await open("/lessons/03-schema/");
    await runAll(/^All 5 cells ran as expected, and the lab is in the state this lesson builds\.$/);
    await runAll(/^All 5 cells ran as expected, and the lab is in the state this lesson builds\.$/);
    expect(await usersOn("master")).toBe(1);
    await expect.poll(() => page().locator("lesson-state").getAttribute("data-met")).toBe("true");
    await expect(
      page()
        .locator("lesson-state [data-check]")
        .evaluateAll((items) => items.map((item) => item.getAttribute("data-state"))),
    ).resolves.not.toContain("off");
  });

  it(
    "a drifted lab is named line by line, Run all won't run over it, and its fix brings the lab back so " +
      "lesson 5 passes",
    async () => {
      await open("/lessons/04-publication/");
      await runAll(/^All \d+ cells ran as expected, and the lab is in the state this lesson builds\.$/);
      // As lesson 3 used to do when run twice: a second Grace on master.
      await direct("master", "INSERT INTO users (name, email) VALUES ('Grace', 'grace@example.com')");
      await open("/lessons/05-subscriptions/");
      const start = page().locator("lesson-state .lesson-state__start");
      await expect.poll(() => start.getAttribute("data-verdict")).toBe("off");
      await expect(start.locator(".lesson-state__start-verdict").textContent()).resolves.toContain(
        "master's users holds 2 rows, not 1",
      );
      await screenshot(page(), "lesson-state-drifted");

      // Run all says why it won't run, and runs nothing.
      await runAll(
        pattern(
          String.raw`^The lab is not where this lesson starts, so its cells would not do what `,
          String.raw`the lesson says: master's users holds 2 rows, not 1\.$`,
        ),
      );
      expect((await direct("slave1", "SELECT count(*)::int AS n FROM pg_subscription"))[0].n).toBe(0);

      // The offered fix: the lesson's start, then Run all, which now passes.
      await page().getByRole("button", { name: "Start from a known state, then run all" }).click();
      await expect
        .poll(runAllStatus, { timeout: 240_000 })
        .toMatch(/^All \d+ cells ran as expected, and the lab is in the state this lesson builds\.$/);
      await expect(page().locator("catch-up .lab-reset__status").textContent()).resolves.toMatch(
        /^✓ The lab is at the start of this lesson/,
      );
      await expect.poll(() => page().locator("lesson-state").getAttribute("data-met")).toBe("true");
      for (const node of ["master", "slave1", "slave2", "slave3"] as const) expect(await usersOn(node)).toBe(0);
    },
    300_000,
  );

  it("Run all a second time says the lesson already ran, instead of failing at its first cell", async () => {
    await runAll(/^The lab is not where this lesson starts, .*slave1 also has the subscription "usersub"/);
  });

  it("a check that is off names what is off and runs the cell that fixes it", async () => {
    await direct("slave3", "DROP SUBSCRIPTION usersub3");
    const item = check(2);
    await expect(item.locator(".lesson-state__what").textContent()).resolves.toContain(
      "slave3 subscribes to userpub (subscription usersub3",
    );
    await expect.poll(() => item.getAttribute("data-state"), { timeout: 15_000 }).toBe("off");
    await expect(item.locator(".lesson-state__off").textContent()).resolves.toBe("slave3 has no subscription usersub3");
    await page()
      .locator("lesson-state")
      .screenshot({ path: `${process.cwd()}/test-artifacts/lesson-state-off.png` });
    await item.getByRole("button", { name: "Run cell 11" }).click();
    await expect.poll(() => item.getAttribute("data-state"), { timeout: 20_000 }).toBe("met");
    await expect.poll(() => page().locator("lesson-state").getAttribute("data-met"), { timeout: 20_000 }).toBe("true");
  });

  it("without a lab, the checklist says what each lesson expects and that it needs the lab to check", async () => {
    const plain = await browser().newPage();
    await plain.goto(`${inject("bridgeUrl")}/lessons/05-subscriptions/`);
    await expect(plain.locator(".lesson-state__live").textContent()).resolves.toBe(
      "not checked: needs the running lab",
    );
    await expect(
      plain.locator("lesson-state [data-check='built-0'] .lesson-state__what").textContent(),
    ).resolves.toContain("slave1 subscribes to userpub");
    await plain.close();
  });
});
