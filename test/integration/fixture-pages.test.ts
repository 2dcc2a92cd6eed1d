// The browser tests' fixture pages (test/fixtures/site/) are in the test run's build only: the product's build,
// which npm start serves from dist/, has no fixture route, in its pages, its links or its sitemap.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { buildSiteIfNeeded } from "../../server/build-site.ts";
import { PROJECT_ROOT } from "../../server/config.ts";
import { FIXTURE_ROUTE } from "../fixtures/site/integration.ts";

const FIXTURE_PAGES = readdirSync(path.join(PROJECT_ROOT, "test/fixtures/site/pages")).map((file) =>
  file.replace(/\.mdx$/, ""),
);

/** Every HTML and XML file of a built site, as text, by path. */
function siteFiles(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((file) => /\.(html|xml)$/.test(file));
  return new Map(files.map((file) => [file, readFileSync(path.join(dir, file), "utf8")]));
}

describe("the fixture pages", () => {
  it("are in the test run's site, every one, and in its sitemap", () => {
    expect(FIXTURE_PAGES.length).toBeGreaterThan(0);
    const sitemap = readFileSync(path.join(inject("siteDir"), "sitemap-0.xml"), "utf8");
    for (const page of FIXTURE_PAGES) {
      expect(existsSync(path.join(inject("siteDir"), FIXTURE_ROUTE, page, "index.html"))).toBe(true);
      expect(sitemap).toContain(`${FIXTURE_ROUTE}/${page}/`);
    }
  });

  it("are not in the product's build: no page, no link, not in the sitemap", async () => {
    const dist = path.join(PROJECT_ROOT, "dist");
    // As npm start builds it (kept when its sources haven't changed since).
    await buildSiteIfNeeded(dist, () => {});
    const files = siteFiles(dist);
    expect(files.has("index.html")).toBe(true);
    expect(files.has("sitemap-0.xml")).toBe(true);
    expect(existsSync(path.join(dist, FIXTURE_ROUTE))).toBe(false);
    const mentions = [...files].filter(([, text]) => text.includes(`${FIXTURE_ROUTE}/`)).map(([file]) => file);
    expect(mentions).toEqual([]);
  }, 300_000);
});
