// Issue 15's visual defects, as a person sees them in the browser: "▶ Run" wrapped onto two lines at 390 px in
// cells that show an "expected" label, and the home page's four node cards wrapped 3 + 1 at 1440 px. Screenshots
// of both are kept in test-artifacts/. And a copy of the site on a static host said nowhere where the project lives.
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import express from "express";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { PROJECT_ROOT } from "../../server/config.ts";
import { repositoryPage } from "../../shared/project-url.ts";
import { ARTIFACTS, labPage, useBrowser, waitForLab } from "../support/browser.ts";
import { LESSON_PAGES } from "../support/lesson-pages.ts";

const { browser } = useBrowser();

/**
 * Opens a page of the site and waits until it has reached the lab. Below Starlight's 50rem the sidebar, and with
 * it the compact status panel, is behind the menu: the panel is there but not visible.
 */
async function open(page: Page, path: string): Promise<void> {
  await page.goto(`${inject("bridgeUrl")}${path}`);
  await waitForLab(page, { state: "attached" });
}

async function pageAt(width: number, path: string): Promise<Page> {
  const page = await labPage(browser(), { viewport: { width, height: 900 } });
  await open(page, path);
  return page;
}

/**
 * Every shown button and short label in the bars of the cells that match, with the number of lines its text takes
 * (the distinct tops of its text's boxes): a label that wraps has two. The "expected" label is a sentence, which
 * may wrap on a phone.
 */
function barLines(page: Page, cells: string) {
  return page.evaluate((selector) => {
    const lines = (element: Element) => {
      const range = document.createRange();
      range.selectNodeContents(element);
      return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
    };
    return [...document.querySelectorAll(selector)].flatMap((cell) =>
      [...cell.querySelectorAll(".sql-cell__bar :is(button, .sql-cell__state, .sql-cell__edited)")]
        .filter((part) => (part as HTMLElement).offsetParent !== null && part.textContent!.trim() !== "")
        .map((part) => ({ cell: cell.id, part: part.textContent!.trim(), lines: lines(part) })),
    );
  }, cells);
}

describe("at 390 px (a phone)", () => {
  it(
    "a cell's ▶ Run stays on one line beside its 'expected' label, on every lesson",
    { timeout: 120_000 },
    async () => {
      const page = await pageAt(390, `/lessons/${LESSON_PAGES[0]}/`);
      let seen = 0;
      for (const lesson of LESSON_PAGES) {
        await open(page, `/lessons/${lesson}/`);
        await page.locator("sql-cell.is-live").first().waitFor();
        const parts = await barLines(page, "sql-cell.is-live:has(.sql-cell__expect)");
        seen += parts.filter((part) => part.part === "▶ Run").length;
        expect(
          parts.filter((part) => part.lines !== 1),
          lesson,
        ).toEqual([]);
      }
      expect(seen, "cells with an 'expected' label").toBeGreaterThan(10);
      await page.close();
    },
  );

  it("an edited, running cell's bar (edited, running…, Cancel, Restore, + cell, ▶ Run): each on one line", async () => {
    const page = await pageAt(390, `/lessons/${LESSON_PAGES[0]}/`);
    const cell = page.locator("sql-cell.is-live[data-expect='error:42P01']");
    await cell.locator("textarea").fill("SELECT pg_sleep(3)");
    await cell.locator(".sql-cell__run").click();
    await cell.locator(".sql-cell__cancel").waitFor();
    await expect.poll(() => cell.locator(".sql-cell__state").textContent()).toMatch(/^running… /);
    const parts = await barLines(page, "sql-cell[data-expect='error:42P01']");
    expect(parts.map((part) => part.part)).toEqual(expect.arrayContaining(["edited", "Cancel", "Restore", "▶ Run"]));
    await cell.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, "cell-running-390.png") });
    expect(parts.filter((part) => part.lines !== 1)).toEqual([]);
    await cell.locator(".sql-cell__cancel").waitFor({ state: "hidden", timeout: 10_000 });
    await page.close();
  });
});

/** The names, states and buttons of the home page's node cards that take more than one line. */
function wrappedInCards(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll(".sl-markdown-content .lab-node :is(.lab-node__name, .lab-node__toggle)")]
      .filter((part) => {
        const range = document.createRange();
        range.selectNodeContents(part);
        return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size > 1;
      })
      .map((part) => `${part.closest(".lab-node")!.getAttribute("data-node")}: ${part.textContent!.trim()}`),
  );
}

/**
 * The tops of the home page's node cards, one entry per row: how many cards each row holds. Lesson 12's standby has
 * a card in the markup, hidden until it exists: it is not one of the cards shown.
 */
function cardRows(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const rows = new Map<number, number>();
    const cards = document.querySelectorAll(".sl-markdown-content .lab-status:not(.compact) .lab-node:not([hidden])");
    for (const card of cards) {
      const top = Math.round(card.getBoundingClientRect().top);
      rows.set(top, (rows.get(top) ?? 0) + 1);
    }
    return [...rows.values()];
  });
}

describe("the home page's node cards", () => {
  it("stand in one row of four at 1440 px", async () => {
    const page = await pageAt(1440, "/");
    await expect(cardRows(page)).resolves.toEqual([4]);
    await expect(wrappedInCards(page)).resolves.toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "home-1440.png") });
    await page.close();
  });

  for (const width of [390, 768, 1024, 1280]) {
    it(`never leave one card alone on a row, nor wrap a name or a button, at ${width} px`, async () => {
      const page = await pageAt(width, "/");
      const rows = await cardRows(page);
      expect(rows.reduce((a, b) => a + b)).toBe(4);
      expect(rows, `cards per row at ${width} px`).toSatisfy((r: number[]) => r.every((n) => n === r[0]));
      await expect(wrappedInCards(page)).resolves.toEqual([]);
      await page.locator(".sl-markdown-content .lab-status").scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, `home-${width}.png`) });
      await page.close();
    });
  }
});

describe("on a static host, with no lab behind it", () => {
  it("every page links to where the project lives (package.json's repository), and the home page says it", async () => {
    const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
    const project = repositoryPage(manifest.repository)!;
    const app = express().use(express.static(inject("siteDir")));
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    try {
      const page = await browser().newPage({ viewport: { width: 1440, height: 900 } });
      const site = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const path of ["/", "/lessons/05-subscriptions/", "/console/"]) {
        await page.goto(`${site}${path}`);
        const header = page.getByRole("link", { name: "Replication Lab's source and issues" });
        await expect(header.getAttribute("href"), path).resolves.toBe(project);
        await expect(header.isVisible(), path).resolves.toBe(true);
      }
      await page.goto(`${site}/`);
      const said = page.locator(".project-link");
      await expect(said.isVisible()).resolves.toBe(true);
      await expect(said.getByRole("link").getAttribute("href")).resolves.toBe(project);
      await said.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, "home-static-project-link.png") });
      await page.close();
    } finally {
      server.close();
    }
  });
});
