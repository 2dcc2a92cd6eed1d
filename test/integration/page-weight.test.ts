// The page-weight budget (issue 15), read from the test run's built site: every lesson page's module scripts and
// their static imports come to at most 60 KB gzip. What a browser really fetches, dynamic imports the page makes
// on its own included, is checked in test/e2e/page-weight.test.ts.
import { describe, expect, inject, it } from "vitest";
import { LESSON_PAGE_BUDGET, pageJavaScript, sitePages, staticImports } from "../../bench/page-javascript.ts";

const lessonPages = () => sitePages(inject("siteDir")).filter((page) => page.startsWith("/lessons/"));

describe("page weight, read from the built site", () => {
  it("finds a script's static imports and leaves its dynamic ones out", () => {
    const code =
      'import{a as b}from"./chunk.A1.js";import"./side.B2.js";export{c}from"../up.C3.js";' +
      'export*from"./all.D4.js";const x=()=>import("./later.E5.js");';
    expect(staticImports(code, "/_astro/page.js")).toEqual([
      "/_astro/chunk.A1.js",
      "/_astro/side.B2.js",
      "/up.C3.js",
      "/_astro/all.D4.js",
    ]);
  });

  it("finds every lesson in the built site", () => {
    expect(lessonPages().length).toBeGreaterThanOrEqual(9);
  });

  it("keeps each lesson page's JavaScript before interaction within 60 KB gzip", () => {
    for (const page of lessonPages()) {
      const weight = pageJavaScript(inject("siteDir"), page);
      expect(weight.files.length, page).toBeGreaterThan(0);
      expect(weight.gzipBytes, `${page}: ${JSON.stringify(weight.files)}`).toBeLessThanOrEqual(LESSON_PAGE_BUDGET);
    }
  });
});
