// axe-core in a real page: its own script, injected as the page's, with only the violations that bar people
// (serious and critical impacts) counted.
import { createRequire } from "node:module";
import fs from "node:fs";
import type { Page } from "playwright-core";

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
