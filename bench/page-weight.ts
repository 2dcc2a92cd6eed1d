// The JavaScript each page of the built site loads before interaction, in gzip bytes, against the budget of 60 KB
// per lesson page (issue 15), two ways (bench/page-javascript.ts):
//   static:  the module scripts the HTML names and their static imports, read from the files;
//   fetched: what Chromium really fetched for the page, opened from a plain static server over the same files
//            with no lab, until the network was quiet: the static graph plus any dynamic import the page made on
//            its own (on load, on idle). A dynamic import that waits for the learner is in neither.
// Reads the site the bridge serves: dist/ (npm start builds it), or the folder given.
// Usage: npm run bench:page-weight -- [--site dist-test] [--files] [--static-only]
import { createReadStream, existsSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { PROJECT_ROOT } from "../server/config.ts";
import { requireBrowser } from "../scripts/prerequisites.ts";
import {
  fetchedJavaScript,
  LESSON_PAGE_BUDGET,
  pageJavaScript,
  sitePages,
  type PageJavaScript,
} from "./page-javascript.ts";

const { values } = parseArgs({
  options: {
    site: { type: "string", default: "dist" },
    files: { type: "boolean", default: false },
    "static-only": { type: "boolean", default: false },
  },
});
const siteDir = path.resolve(PROJECT_ROOT, values.site);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1).padStart(6)} KB`;
const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };

/** The built site as any static host serves it, so that pages load as they would from one, with no lab behind. */
async function serveSite(): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://site").pathname);
    let file = path.join(siteDir, path.normalize(pathname));
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!file.startsWith(siteDir) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

function printFiles(weight: PageJavaScript) {
  if (values.files) for (const file of weight.files) console.log(`             ${kb(file.gzipBytes)}  ${file.file}`);
}

const pages = sitePages(siteDir);
const fetched = new Map<string, PageJavaScript>();
if (!values["static-only"]) {
  const site = await serveSite();
  const browser = await chromium.launch({ executablePath: requireBrowser(), args: ["--headless", "--no-sandbox"] });
  for (const page of pages) {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    fetched.set(page, await fetchedJavaScript(tab, `${site.url}${page}`, siteDir));
    await tab.close();
  }
  await browser.close();
  site.close();
}

console.log(`JavaScript before interaction, gzip, per page of ${siteDir}:`);
console.log(`${"static".padStart(9)}  ${"fetched".padStart(9)}  page`);
for (const page of pages) {
  const graph = pageJavaScript(siteDir, page);
  const loaded = fetched.get(page);
  const worst = Math.max(graph.gzipBytes, loaded?.gzipBytes ?? 0);
  const verdict = !page.startsWith("/lessons/") ? "" : worst <= LESSON_PAGE_BUDGET ? "within 60 KB" : "OVER 60 KB";
  console.log(`${kb(graph.gzipBytes)}  ${loaded ? kb(loaded.gzipBytes) : "        -"}  ${page.padEnd(40)} ${verdict}`);
  printFiles(loaded ?? graph);
}
