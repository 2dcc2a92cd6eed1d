// axe-core in a real page: its own script, injected as the page's, with only the violations that bar people
// (serious and critical impacts) counted.
import { createRequire } from "node:module";
import fs from "node:fs";
import type { Page } from "playwright-core";
import { expect } from "vitest";

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** One rule broken on a page, and where: what a failing test prints. */
export interface Violation {
  id: string;
  impact: string;
  help: string;
  /** Each failing node: its selector, and axe's reason (for contrast, the colours and the ratio). */
  targets: string[];
}

const COUNTED = ["serious", "critical"];

/** Runs axe-core over the whole page as it is now and returns its serious and critical violations. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import("axe-core") }).axe;
    const results = await axe.run(document, { resultTypes: ["violations"] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? "",
      help: v.help,
      targets: v.nodes.map((node) => {
        const why = [...node.any, ...node.all, ...node.none].find((check) => check.message)?.message ?? "";
        return `${node.target.join(" ")}${why ? ` (${why})` : ""}`;
      }),
    }));
  });
  return found.filter((v) => COUNTED.includes(v.impact));
}

/** "color-contrast (serious) ×3: .a, .b, .c" per rule: a failure that says what to fix and where. */
export function describeViolations(violations: Violation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact}) ×${v.targets.length}: ${v.help}\n  ${v.targets.join("\n  ")}`)
    .join("\n");
}

/** How many nodes break each rule: the figures a report keeps. */
export function countByRule(violations: Violation[]): Record<string, number> {
  return Object.fromEntries(violations.map((v) => [v.id, v.targets.length]));
}

/**
 * Waits until the page has made its boxes that scroll at this width tab stops, as it does a moment after a resize
 * (Expressive Code's code blocks after 250 ms, tables and answers at the next ResizeObserver round).
 */
async function scrollStopsSettled(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    [...document.querySelectorAll<HTMLElement>(".expressive-code pre, .sl-markdown-content table")].every(
      (box) => box.scrollWidth <= box.clientWidth || box.hasAttribute("tabindex"),
    ),
  );
}

/** The widths the site is checked at: a desktop's and a phone's. */
export const CHECKED_WIDTHS = [1440, 390] as const;

/**
 * Checks the page as it is now at each width (a phone's 390 px too: the sidebar and the lab status move behind the
 * menu, cells' bars wrap), in both themes (Starlight keeps the choice in data-theme), and says what breaks where.
 * The page is left at the first width.
 */
export async function expectAccessible(page: Page, name: string, widths: readonly number[] = CHECKED_WIDTHS) {
  const found: string[] = [];
  const height = page.viewportSize()?.height ?? 900;
  for (const width of widths) {
    await page.setViewportSize({ width, height });
    await scrollStopsSettled(page);
    for (const theme of ["light", "dark"]) {
      await page.evaluate((t) => document.documentElement.setAttribute("data-theme", t), theme);
      const violations = await seriousViolations(page);
      console.log(`axe ${name} ${width} px ${theme}: ${JSON.stringify(countByRule(violations))}`);
      if (violations.length > 0) found.push(`${width} px, ${theme} theme:\n${describeViolations(violations)}`);
    }
  }
  await page.setViewportSize({ width: widths[0]!, height });
  expect(found.join("\n"), `serious or critical axe-core violations on ${name}`).toBe("");
}
