import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { Locator, Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { direct } from "../support/bridge.ts";
import { labPage, screenshot, useBrowser } from "../support/browser.ts";

const { browser } = useBrowser();

/** The console page with its four terminals open; `requests` records every URL the page fetched. */
async function openFour(): Promise<{ page: Page; four: Locator; requests: string[] }> {
  const page = await labPage(browser(), { viewport: { width: 1280, height: 1000 } });
  const requests: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  await page.goto(`${inject("bridgeUrl")}/console/`);
  const four = page.locator("psql-terminal[data-layout='four']");
  await four.getByRole("button", { name: "Open psql on all four nodes" }).click();
  await expect.poll(() => four.locator(".psql-pane[data-state='ready']").count()).toBe(4);
  return { page, four, requests };
}

/** What a pane's terminal holds, read from xterm's buffer. */
const screen = (terminal: Locator, pane = 0) =>
  terminal.evaluate((element, i) => (element as HTMLElement & { screenText(i: number): string }).screenText(i), pane);

/** Types into a pane as a person would: a click to focus it, then keys. */
async function typeInto(page: Page, terminal: Locator, pane: number, text: string) {
  await terminal.locator(".psql-pane").nth(pane).locator(".xterm").click();
  await page.keyboard.type(text);
}

describe("the psql console in a real browser", () => {
  it("keeps xterm out of the first page load, and loads it when a terminal is opened", async () => {
    const page = await labPage(browser());
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(`${inject("bridgeUrl")}/console/`);
    await page.waitForLoadState("networkidle");
    expect(requests.filter((url) => url.includes("psql-pane"))).toEqual([]);
    await expect(page.locator(".xterm").count()).resolves.toBe(0);
    await page.getByRole("button", { name: "Open psql on master" }).click();
    await page.locator("psql-terminal[data-layout='single'] .psql-pane[data-state='ready']").waitFor();
    expect(requests.filter((url) => url.includes("psql-pane"))).toHaveLength(1);
    await page.close();
  });

  it("runs what is typed, keeps the transaction across lines, and shows it in the prompt", async () => {
    const { page, four } = await openFour();
    await typeInto(page, four, 0, "BEGIN;\n");
    await expect.poll(() => screen(four)).toContain("BEGIN\nreplication=*# ");
    await expect(four.locator(".psql-pane").first().locator(".psql-pane__state").textContent()).resolves.toBe(
      "in a transaction",
    );
    await page.keyboard.type("SELECT 'typed' AS what,\n");
    await page.keyboard.type("42 AS answer;\n");
    await expect
      .poll(() => screen(four))
      .toContain(
        "replication=*# SELECT 'typed' AS what,\nreplication-*# 42 AS answer;\n what  | answer " +
          "\n-------+--------\n typed |     42\n(1 row)\n\nreplication=*# ",
      );
    await page.keyboard.type("SELEC 1;\n");
    await expect
      .poll(() => screen(four))
      .toContain('ERROR:  syntax error at or near "SELEC"\nLINE 1: SELEC 1;\n        ^\nreplication=!# ');
    // The rendered rows say the same as the buffer.
    await expect
      .poll(() => four.locator(".psql-pane").first().locator(".xterm-rows").innerText())
      .toContain("replication=!#");
    await screenshot(page, "console-four-panes");
    await page.keyboard.type("ROLLBACK;\n");
    await expect.poll(() => screen(four)).toMatch(/ROLLBACK\nreplication=# $/);
    await page.close();
  });

  it("edits the line: arrows, Home and End, and Up for earlier lines, kept per node across reloads", async () => {
    const { page, four } = await openFour();
    await typeInto(page, four, 2, "SELECT 1 AS n");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.type("0");
    await page.keyboard.press("End");
    await page.keyboard.type("umber; -- remembered\n");
    await expect.poll(() => screen(four, 2)).toContain(" number \n--------\n     10\n(1 row)");
    await page.reload();
    await four.getByRole("button", { name: "Open psql on all four nodes" }).click();
    await expect.poll(() => four.locator(".psql-pane[data-state='ready']").count()).toBe(4);
    await typeInto(page, four, 2, "");
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("Enter");
    await expect.poll(() => screen(four, 2)).toContain("replication=# SELECT 10 AS number; -- remembered\n number");
    // Another node has a history of its own.
    await typeInto(page, four, 3, "");
    await page.keyboard.press("ArrowUp");
    await expect.poll(() => screen(four, 3)).toMatch(/replication=# $/);
    await page.close();
  });

  it("cancels a running query on the server with Ctrl+C", async () => {
    const { page, four } = await openFour();
    await typeInto(page, four, 0, "SELECT pg_sleep(20) /* browser cancel */;\n");
    const running =
      "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%browser cancel%' AND state = 'active' AND pid <> " +
      "pg_backend_pid()";
    await expect.poll(async () => (await direct("master", running)).length).toBe(1);
    await expect.poll(() => four.locator(".psql-pane").first().getAttribute("data-state")).toBe("busy");
    await page.keyboard.press("Control+C");
    await expect
      .poll(() => screen(four))
      .toContain("^CCancel request sent\nERROR:  canceling statement due to user request\nreplication=# ");
    expect(await direct("master", running)).toHaveLength(0);
    await page.close();
  });

  it("streams \\watch until Ctrl+C, then answers \\dRs+ and an unknown meta-command as psql does", async () => {
    const { page, four } = await openFour();
    await typeInto(page, four, 1, "SELECT 'tick' AS watched \\watch 0.3\n");
    await expect
      .poll(async () => ((await screen(four, 1)).match(/\(every 0\.3s\)/g) ?? []).length)
      .toBeGreaterThanOrEqual(3);
    await page.keyboard.press("Control+C");
    await expect.poll(() => screen(four, 1)).toMatch(/\^C\nreplication=# $/);
    await page.keyboard.type("\\dRs+\n");
    // Whatever subscriptions slave1 has by now (other tests make some), psql's layout under \x auto: wider than
    // the pane, so records, or no row at all.
    await expect
      .poll(() => screen(four, 1))
      .toMatch(/\\dRs\+\n(List of subscriptions\n-\[ RECORD 1 \][^]*\n|\(0 rows\)\n)\nreplication=# $/);
    await page.keyboard.type("\\nope\n");
    await expect.poll(() => screen(four, 1)).toContain("invalid command \\nope\nTry \\? for help.");
    await screenshot(page, "console-watch");
    await page.close();
  });

  it("switches node with the buttons of a single terminal, by typing \\c", async () => {
    const page = await labPage(browser(), { viewport: { width: 1280, height: 900 } });
    await page.goto(`${inject("bridgeUrl")}/console/`);
    const single = page.locator("psql-terminal[data-layout='single']");
    await single.getByRole("button", { name: "Open psql on master" }).click();
    await single.locator(".psql-pane[data-state='ready']").waitFor();
    await single.getByRole("button", { name: "slave2" }).click();
    await expect
      .poll(() => screen(single))
      .toContain(
        'replication=# \\c slave2\nYou are now connected to database "replication" as user "postgres" on ' +
          'node "slave2".',
      );
    await expect(single.getByRole("button", { name: "slave2" }).getAttribute("aria-pressed")).resolves.toBe("true");
    await page.keyboard.type("SELECT current_setting('port') AS port;\n");
    await expect.poll(() => screen(single)).toContain(` ${inject("pgPorts")["slave2"]}\n(1 row)`);
    await screenshot(page, "console-single");
    await page.keyboard.press("Control+D");
    await expect.poll(() => single.locator(".psql-pane").getAttribute("data-state")).toBe("ended");
    await page.close();
  });
});

describe("the psql console away from the lab", () => {
  it("says how to start the lab on a static host, and a foreign page's WebSocket is refused", async () => {
    const app = express().use(express.static(inject("siteDir")));
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    try {
      const page = await labPage(browser(), { viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      page.on("request", (request) => requests.push(request.url()));
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/console/`);
      const single = page.locator("psql-terminal[data-layout='single']");
      await single.getByRole("button", { name: "Open psql on master" }).click();
      const offline = single.locator(".psql-terminal__offline");
      await offline.waitFor({ state: "visible" });
      await expect(offline.textContent()).resolves.toContain("npm start");
      expect(requests.filter((url) => url.includes("psql-pane"))).toEqual([]);
      await screenshot(page, "console-static-offline");
      // This page's origin is not the lab's: the bridge refuses its WebSocket even with the right token.
      const outcome = await page.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            const socket = new WebSocket(url);
            socket.onopen = () => resolve("open");
            socket.onclose = (event) => resolve(`closed ${event.code}`);
          }),
        `ws://127.0.0.1:${inject("bridgePort")}/api/console?token=${inject("token")}`,
      );
      expect(outcome).toBe("closed 1006");
      await page.close();
    } finally {
      server.close();
    }
  });
});
