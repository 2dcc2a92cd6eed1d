import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { describe, expect, inject, it } from "vitest";
import { call, query } from "../support/bridge.ts";
import { CHILD_TOKEN, startChildBridge } from "../support/child-bridge.ts";
import { setUpReplication } from "../support/replication.ts";
import { withPort } from "../../server/lab/conninfo.ts";
import { freeBase } from "../support/temp-dir.ts";
import { labPage, screenshot, useBrowser } from "../support/browser.ts";

const { browser } = useBrowser();

const panel = ".lab-status:not(.compact)";

describe("the site shell in a real browser", () => {
  it(
    "takes the lab's key from the address npm start prints, keeps it, and drops it from the address; " +
      "without it, the lab is closed",
    async () => {
      const page = await browser().newPage({ viewport: { width: 1280, height: 900 } });
      const offline = page.locator(`${panel} .lab-status__offline`);
      // A browser (or another account on this machine) that only knows the port gets the page, not the lab.
      await page.goto(`${inject("bridgeUrl")}/`);
      await offline.waitFor({ state: "visible" });
      await expect(offline.textContent()).resolves.toContain("#lab-token=");
      // Nothing offers to act on a lab this page can't reach.
      await expect(page.getByRole("button", { name: "Reset the lab…" }).isVisible()).resolves.toBe(false);
      await expect(page.evaluate(async () => (await fetch("/api/lab")).status)).resolves.toBe(401);
      // The address npm start prints: the key is kept for this origin and leaves the address bar.
      await page.goto(`${inject("bridgeUrl")}/lessons/02-settings/#lab-token=${inject("token")}`);
      await page.locator(`${panel} [data-node="master"][data-state="up"]`).waitFor();
      expect(page.url()).toBe(`${inject("bridgeUrl")}/lessons/02-settings/`);
      await expect(page.evaluate(() => localStorage.getItem("replication-lab:token"))).resolves.toBe(inject("token"));
      await page.goto(`${inject("bridgeUrl")}/console/`);
      await page.locator(".lab-status.compact [data-node='slave3'][data-state='up']").waitFor();
      // A key the bridge refuses (another lab's) is forgotten, and the page says how to get the right one.
      await page.goto(`${inject("bridgeUrl")}/#lab-token=${"x".repeat(32)}`);
      await offline.waitFor({ state: "visible" });
      await expect
        .poll(() => page.evaluate(() => localStorage.getItem("replication-lab:token")), { timeout: 10_000 })
        .toBeNull();
      await page.close();
    },
  );

  it("an open page comes back by itself when the lab restarts, and says so once", async () => {
    const first = await startChildBridge();
    const port = new URL(first.url).port;
    const page = await browser().newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${first.url}/#lab-token=${CHILD_TOKEN}`);
      const master = page.locator(`${panel} [data-node="master"]`);
      const back = page.locator(`${panel} .lab-status__back`);
      await master.and(page.locator('[data-state="up"]')).waitFor();
      await expect(back.isVisible()).resolves.toBe(false);
      await first.stop();
      await page.locator(`${panel} .lab-status__offline`).waitFor({ state: "visible" });
      // npm start again: the same port and token (kept per data folder; here LAB_TOKEN), a new process.
      const second = await startChildBridge({ PORT: port });
      try {
        await master.and(page.locator('[data-state="up"]')).waitFor({ timeout: 30_000 });
        await back.waitFor({ state: "visible" });
        await expect(back.textContent()).resolves.toBe("The lab is back: this page reconnected by itself.");
        expect(page.url()).toBe(`${first.url}/`);
        await screenshot(page, "lab-back-after-restart");
      } finally {
        await second.stop();
      }
    } finally {
      await page.close();
    }
  }, 120_000);

  it("the live monitor says when the lab is gone and comes back by itself when it restarts", async () => {
    const first = await startChildBridge();
    const port = new URL(first.url).port;
    const page = await browser().newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${first.url}/lessons/06-load-and-watch/#lab-token=${CHILD_TOKEN}`);
      const monitor = page.locator("live-monitor").first();
      const offline = monitor.locator(".monitor__offline");
      await page.locator('live-monitor[data-online="true"]').first().waitFor();
      await first.stop();
      await offline.waitFor({ state: "visible" });
      await expect(monitor.getAttribute("data-online")).resolves.toBe("false");
      // Forget what the first bridge said, so that a tile marked up again shows a sample of the second.
      const master = monitor.locator('.monitor__tile[data-node="master"]');
      await master.evaluate((tile) => (tile.dataset["state"] = "unknown"));
      const second = await startChildBridge({ PORT: port });
      try {
        await offline.waitFor({ state: "hidden", timeout: 30_000 });
        await page.locator('live-monitor[data-online="true"]').first().waitFor();
        // Samples flow again: the tile shows master's state from the new bridge.
        await master.and(page.locator('[data-state="up"]')).waitFor();
      } finally {
        await second.stop();
      }
    } finally {
      await page.close();
    }
  }, 120_000);

  it("shows all four nodes up with version, port and wal_level, in the page and the sidebar", async () => {
    const page = await labPage(browser(), { viewport: { width: 1280, height: 900 } });
    await page.goto(`${inject("bridgeUrl")}/`);
    for (const name of ["master", "slave1", "slave2", "slave3"]) {
      await page.locator(`${panel} [data-node="${name}"][data-state="up"]`).waitFor();
      const facts = await page.locator(`${panel} [data-node="${name}"] .lab-node__facts`).textContent();
      expect(facts).toMatch(new RegExp(`PostgreSQL 18\\.\\d+ · port ${inject("pgPorts")[name]} · wal_level=logical`));
    }
    await expect(page.locator(".lab-status.compact [data-state='up']").count()).resolves.toBe(4);
    // Lesson 12's standby is not made yet: neither panel shows it (its markup is there, hidden).
    for (const where of [panel, ".lab-status.compact"]) {
      await expect(page.locator(`${where} [data-node="standby"]`).isVisible()).resolves.toBe(false);
    }
    // Starlight's shell: search and the theme switch are there.
    await expect(page.getByRole("button", { name: "Search" }).count()).resolves.toBeGreaterThan(0);
    await expect(page.locator("starlight-theme-select").count()).resolves.toBeGreaterThan(0);
    await screenshot(page, "home-lab-up");
    await page.close();
  });

  it("shows a node going down and coming back, live", async () => {
    const page = await labPage(browser(), { viewport: { width: 1280, height: 900 } });
    await page.goto(`${inject("bridgeUrl")}/lab/`);
    await page.locator(`${panel} [data-node="slave2"][data-state="up"]`).waitFor();
    await call("/api/lab/nodes/slave2/stop", {});
    await page.locator(`${panel} [data-node="slave2"][data-state="down"]`).waitFor();
    await expect(page.locator(`${panel} [data-node="slave2"] .lab-node__state`).textContent()).resolves.toBe("down");
    await screenshot(page, "lab-slave2-down");
    await call("/api/lab/nodes/slave2/start", {});
    await page.locator(`${panel} [data-node="slave2"][data-state="up"]`).waitFor();
    await page.close();
  });

  it("stops and starts lesson 12's standby from its row, as it does the four nodes", async () => {
    const page = await labPage(browser(), { viewport: { width: 1280, height: 900 } });
    const row = page.locator(`${panel} [data-node="standby"]`);
    try {
      expect((await call("/api/lab/standby", {})).status).toBe(200);
      await page.goto(`${inject("bridgeUrl")}/lab/`);
      await row.and(page.locator('[data-state="up"]')).waitFor();
      await row.getByRole("button", { name: "Stop standby" }).click();
      await row.and(page.locator('[data-state="down"]')).waitFor({ timeout: 15_000 });
      await expect(row.locator(".lab-node__state").textContent()).resolves.toBe("down");
      await screenshot(page, "lab-standby-down");
      await row.getByRole("button", { name: "Start standby" }).click();
      await row.and(page.locator('[data-state="up"]')).waitFor({ timeout: 30_000 });
      // Started again, it is still master's standby, in recovery, with its folder.
      const answer = await query("standby", "SELECT pg_is_in_recovery()");
      expect(answer.results.at(-1)?.rows).toEqual([["t"]]);
    } finally {
      // The tests after this one find the four nodes alone.
      await call("/api/lab/reset", {});
      await page.close();
    }
  }, 90_000);

  it("shows a node whose subscription can't reach its publisher as broken, not up", async () => {
    await setUpReplication();
    const page = await labPage(browser(), { viewport: { width: 1280, height: 900 } });
    await page.goto(`${inject("bridgeUrl")}/lab/`);
    const slave3 = page.locator(`${panel} [data-node="slave3"]`);
    await page.locator(`${panel} [data-node="slave3"][data-state="up"]`).waitFor();
    const master = (await call("/api/lab")).json.nodes[0].conninfo as string;
    const nowhere = await freeBase(1);
    await query(
      "slave3",
      `ALTER SUBSCRIPTION sub_slave3 CONNECTION '${withPort(master, inject("pgPorts")["master"]!, nowhere)}'`,
    );
    try {
      await page.locator(`${panel} [data-node="slave3"][data-replication="broken"]`).waitFor({ timeout: 20_000 });
      await expect(slave3.locator(".lab-node__state").textContent()).resolves.toBe("up, replication broken");
      await expect(slave3.locator(".lab-node__facts").textContent()).resolves.toContain(
        `subscription sub_slave3 is broken`,
      );
      await screenshot(page, "lab-subscription-broken");
    } finally {
      await query("slave3", `ALTER SUBSCRIPTION sub_slave3 CONNECTION '${master}'`);
    }
    await page.locator(`${panel} [data-node="slave3"][data-replication="ok"]`).waitFor({ timeout: 20_000 });
    await page.close();
  }, 60_000);

  it("reads fine from a static host with no lab, and says how to start one", async () => {
    const app = express().use(express.static(inject("siteDir")));
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    try {
      const page = await labPage(browser(), { viewport: { width: 1280, height: 900 } });
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const offline = page.locator(`${panel} .lab-status__offline`);
      await offline.waitFor({ state: "visible" });
      await expect(offline.textContent()).resolves.toContain("npm start");
      await expect(page.locator("h1").textContent()).resolves.toBe("Replication Lab");
      await screenshot(page, "home-static-offline");
      await page.close();
    } finally {
      server.close();
    }
  });
});
