import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import express from "express";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PROJECT_ROOT } from "../../server/config.ts";
import { call } from "../support/bridge.ts";
import { launch, screenshot } from "../support/browser.ts";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const panel = '.lab-status:not(.compact)';

describe("the site shell in a real browser", () => {
  it("shows all four nodes up with version, port and wal_level, in the page and the sidebar", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${inject("bridgeUrl")}/`);
    for (const name of ["master", "slave1", "slave2", "slave3"]) {
      await page.locator(`${panel} [data-node="${name}"][data-state="up"]`).waitFor();
      const facts = await page.locator(`${panel} [data-node="${name}"] .lab-node__facts`).textContent();
      expect(facts).toMatch(new RegExp(`PostgreSQL 18\\.\\d+ · port ${inject("pgPorts")[name]} · wal_level=logical`));
    }
    await expect(page.locator(".lab-status.compact [data-state='up']").count()).resolves.toBe(4);
    // Starlight's shell: search and the theme switch are there.
    await expect(page.getByRole("button", { name: "Search" }).count()).resolves.toBeGreaterThan(0);
    await expect(page.locator("starlight-theme-select").count()).resolves.toBeGreaterThan(0);
    await screenshot(page, "home-lab-up");
    await page.close();
  });

  it("shows a node going down and coming back, live", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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

  it("reads fine from a static host with no lab, and says how to start one", async () => {
    const app = express().use(express.static(path.join(PROJECT_ROOT, "dist")));
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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
