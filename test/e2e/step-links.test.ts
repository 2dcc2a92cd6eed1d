// Deep links to a lesson's steps: every cell and lab action has the id cell-N and a #N link to itself, and a link
// to one opens the lesson at it, below the sticky header, outlined for a moment.
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { readLessons } from "../../server/lesson-start/lessons.ts";
import { ARTIFACTS, bothThemes, labPage, useBrowser } from "../support/browser.ts";

const { browser } = useBrowser();

const url = (path: string) => `${inject("bridgeUrl")}${path}`;

describe("deep links to a lesson's steps", () => {
  it("every step of every lesson has the id cell-N, in order, and a #N link to itself", async () => {
    for (const lesson of await readLessons()) {
      const html = await (await fetch(url(`/lessons/${lesson.file.replace(/\.mdx$/, "")}/`))).text();
      const ids = [...html.matchAll(/<(sql-cell|lab-action)\b[^>]*\bid="(cell-\d+)"/g)].map((match) => match[2]);
      expect(ids, lesson.file).toEqual(lesson.steps.map((_, i) => `cell-${i + 1}`));
      const anchors = [...html.matchAll(/<a class="step-anchor" href="#(cell-\d+)"/g)].map((match) => match[1]);
      expect(anchors, lesson.file).toEqual(ids);
      // Lab actions carry their step key, as cells do: progress is kept by it.
      const keys = [...html.matchAll(/<lab-action\b[^>]*\bid="cell-(\d+)"[^>]*data-key="([^"]+)"/g)].map((match) => [
        match[2],
        `${lesson.file}#${Number(match[1]) - 1}`,
      ]);
      for (const [key, expected] of keys) expect(key).toBe(expected);
      expect(keys.length, lesson.file).toBe(lesson.steps.filter((step) => step.kind === "action").length);
    }
  });

  for (const viewport of [
    { width: 1440, height: 900 },
    { width: 390, height: 844 },
  ]) {
    it(
      `/lessons/03-schema/#cell-4 opens at that cell, below the sticky header, outlined for a moment ` +
        `(${viewport.width} px)`,
      async () => {
        const linked = await labPage(browser(), { viewport, hasTouch: viewport.width < 500 });
        await linked.goto(url("/lessons/03-schema/#cell-4"));
        const target = linked.locator("#cell-4");
        await expect.poll(() => target.getAttribute("class")).toContain("is-flashed");
        await expect(target.evaluate((el) => getComputedStyle(el).animationName)).resolves.toBe("lab-target-flash");
        await expect.poll(() => inViewBelowHeader(linked, target)).toBe(true);
        // Its link shows without hover, on a touch screen too.
        await expect(target.locator(".step-anchor").isVisible()).resolves.toBe(true);
        await expect(target.locator(".step-anchor").textContent()).resolves.toContain("#4");
        await bothThemes(linked, `progress-deep-link-${viewport.width}`, async (file) => {
          await target.evaluate((el) => {
            el.classList.remove("is-flashed");
            void (el as HTMLElement).offsetWidth;
            el.classList.add("is-flashed");
          });
          await linked.screenshot({ path: path.join(ARTIFACTS, `${file}.png`) });
        });
        // The outline fades and goes.
        await expect.poll(() => target.getAttribute("class"), { timeout: 5000 }).not.toContain("is-flashed");

        // A hash change within the page lands and outlines the same way, headings included.
        await linked.evaluate(() => (location.hash = "#cell-2"));
        await expect.poll(() => linked.locator("#cell-2").getAttribute("class")).toContain("is-flashed");
        await expect.poll(() => inViewBelowHeader(linked, linked.locator("#cell-2"))).toBe(true);
        const heading = linked.locator(".sl-markdown-content h2").first();
        const id = await heading.getAttribute("id");
        await linked.evaluate((hash) => (location.hash = hash), `#${id}`);
        await expect
          .poll(() => heading.locator("xpath=..").getAttribute("class"))
          .toContain("sl-heading-wrapper level-h2 is-flashed");
        await expect.poll(() => inViewBelowHeader(linked, heading)).toBe(true);

        // A step's own #N link goes to it.
        await linked.locator("#cell-5 .step-anchor").click();
        await expect.poll(() => linked.evaluate(() => location.hash)).toBe("#cell-5");
        await expect.poll(() => linked.locator("#cell-5").getAttribute("class")).toContain("is-flashed");

        await linked.close();
      },
    );
  }

  it("the target stays below the header while content above it grows after the page loaded", async () => {
    const linked = await labPage(browser(), { viewport: { width: 1280, height: 900 } });
    await linked.addInitScript(() => {
      // What a live part of a lesson does once its data arrives (the live monitor's chart, a server log's lines):
      // content above the target grows after the page loaded. Timed in the page, so a busy machine can't delay it.
      addEventListener("load", () => {
        setTimeout(() => {
          const late = Object.assign(document.createElement("div"), { className: "late-content" });
          late.style.height = "600px";
          document.querySelector("#cell-1")!.before(late);
        }, 300);
      });
    });
    await linked.goto(url("/lessons/03-schema/#cell-4"));
    const target = linked.locator("#cell-4");
    await linked.locator(".late-content").waitFor({ state: "attached" });
    await expect.poll(() => inViewBelowHeader(linked, target)).toBe(true);
    // Once the learner scrolls, the page is theirs: it no longer moves back.
    await linked.mouse.wheel(0, 300);
    await linked.evaluate(() =>
      document.querySelector<HTMLElement>(".late-content")!.style.setProperty("height", "1500px"),
    );
    await expect.poll(() => inViewBelowHeader(linked, target)).toBe(false);
    await linked.close();
  });

  it("with reduced motion the outline shows without fading, then goes", async () => {
    const still = await labPage(browser(), { viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
    await still.goto(url("/lessons/03-schema/#cell-4"));
    const target = still.locator("#cell-4");
    await expect.poll(() => target.getAttribute("class")).toContain("is-flashed");
    const style = await target.evaluate((el) => ({
      animation: getComputedStyle(el).animationName,
      outline: getComputedStyle(el).outlineStyle,
    }));
    expect(style).toEqual({ animation: "none", outline: "solid" });
    await expect.poll(() => target.getAttribute("class"), { timeout: 5000 }).not.toContain("is-flashed");
    await still.close();
  });
});

/**
 * Whether the element's top is just below Starlight's sticky header (and, on a narrow screen, its "On this page"
 * bar, which sticks below the header): not under them, and not further down than the page's scroll padding and the
 * step's scroll margin put it, so a cell pushed down by the answers drawn above it after the first scroll fails.
 */
async function inViewBelowHeader(where: Page, element: Locator): Promise<boolean> {
  const box = await element.boundingBox();
  const covered = await where.evaluate(() =>
    Math.max(
      ...[...document.querySelectorAll("header.header, mobile-starlight-toc nav")]
        .map((bar) => bar.getBoundingClientRect())
        .filter((r) => r.height > 0)
        .map((r) => r.bottom),
      0,
    ),
  );
  return box !== null && box.y >= covered && box.y <= covered + 48;
}
