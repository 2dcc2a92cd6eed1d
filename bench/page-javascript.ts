// What JavaScript a built page loads before the learner does anything: the module scripts its HTML names (by src,
// or inline) and everything they import statically, followed file by file. A dynamic import() is left out: it
// loads only when the code that calls it runs, which is what "load when needed" means. Each file counts once per
// page, at its gzip size (what the bridge sends: server/site.ts compresses), so the figure is the bytes a first
// visit transfers for scripts.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Page, Request } from "playwright-core";

/** The most JavaScript, in gzip bytes, a lesson page may load before the learner does anything (issue 15). */
export const LESSON_PAGE_BUDGET = 60 * 1024;

/** A page of the built site and the scripts it loads before interaction. */
export interface PageJavaScript {
  /** The page's path on the site, as a browser asks for it: `/lessons/05-subscriptions/`. */
  page: string;
  /** Gzip bytes of every file below, and of the inline module scripts. */
  gzipBytes: number;
  /** Each script file the page loads, by its path on the site, with its gzip size. */
  files: { file: string; gzipBytes: number }[];
}

const MODULE_SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;
const PRELOAD = /<link\b[^>]*\brel=["']?modulepreload["']?[^>]*>/gi;
const SRC = /\b(?:src|href)=["']?([^"'\s>]+)/i;
// `import x from "./a.js"`, `import{a as b}from"./a.js"`, `import"./a.js"`, `export{a}from"./a.js"`,
// `export*from"./a.js"`; a parenthesis before the quote is a dynamic import() and is not matched.
const STATIC_IMPORT =
  /\b(?:import\s*(?:[\w$*{}\s,]*?\bfrom\s*)?|export\s*(?:\*(?:\s*as\s+[\w$]+)?|\{[^}]*\})\s*from\s*)["']([^"']+)["']/g;

const gzipSize = (text: string | Buffer): number => gzipSync(text, { level: 9 }).length;

/** The HTML pages of a built site, as site paths (`/`, `/lessons/01-logical-replication/`, `/404.html`). */
export function sitePages(siteDir: string): string[] {
  const pages: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".html")) pages.push(pageOf(path.relative(siteDir, full)));
    }
  };
  walk(siteDir);
  return pages.sort();
}

function pageOf(relative: string): string {
  const url = "/" + relative.split(path.sep).join("/");
  return url.endsWith("/index.html") ? url.slice(0, -"index.html".length) : url;
}

function htmlFile(siteDir: string, page: string): string {
  return path.join(siteDir, page.endsWith("/") ? `${page}index.html` : page);
}

/** The site paths a script imports statically, resolved against the script's own path. */
export function staticImports(code: string, from: string): string[] {
  const base = new URL(from, "http://site");
  return [...code.matchAll(STATIC_IMPORT)]
    .map((match) => match[1]!)
    .filter((specifier) => specifier.startsWith(".") || specifier.startsWith("/"))
    .map((specifier) => new URL(specifier, base).pathname);
}

/** Measures one page of the built site in siteDir. */
export function pageJavaScript(siteDir: string, page: string): PageJavaScript {
  const html = readFileSync(htmlFile(siteDir, page), "utf8");
  const pending: string[] = [];
  let inlineBytes = 0;
  for (const [, attributes, body] of html.matchAll(MODULE_SCRIPT)) {
    if (!/\btype=["']?module\b/i.test(attributes!)) continue;
    const src = SRC.exec(attributes!)?.[1];
    if (src) pending.push(new URL(src, new URL(page, "http://site")).pathname);
    else {
      inlineBytes += gzipSize(body!);
      pending.push(...staticImports(body!, page));
    }
  }
  for (const [link] of html.matchAll(PRELOAD)) {
    const href = SRC.exec(link)?.[1];
    if (href) pending.push(new URL(href, new URL(page, "http://site")).pathname);
  }
  const files = new Map<string, number>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    const code = readFileSync(path.join(siteDir, decodeURIComponent(file)), "utf8");
    files.set(file, gzipSize(code));
    pending.push(...staticImports(code, file));
  }
  const list = [...files].map(([file, gzipBytes]) => ({ file, gzipBytes })).sort((a, b) => b.gzipBytes - a.gzipBytes);
  return { page, gzipBytes: inlineBytes + list.reduce((sum, file) => sum + file.gzipBytes, 0), files: list };
}

/** The site paths of the scripts a browser tab fetches from the site, from now on, as they are requested. */
export function watchScripts(page: Page): () => string[] {
  const scripts = new Set<string>();
  const listen = (request: Request) => {
    const url = new URL(request.url());
    if (request.resourceType() === "script" && url.origin === new URL(page.url() || request.url()).origin) {
      scripts.add(url.pathname);
    }
  };
  page.on("request", listen);
  return () => [...scripts];
}

/**
 * What a browser really fetched for a page before anyone touched it: its static graph and any dynamic import the
 * page made on its own (on load, on idle, on a timer). Opens `url` in `page`, waits for `ready` (the page has
 * reached its lab, say) and for the network to be quiet, and sizes each script from the built site.
 */
export async function fetchedJavaScript(
  page: Page,
  url: string,
  siteDir: string,
  ready: () => Promise<void> = async () => {},
): Promise<PageJavaScript> {
  const scripts = watchScripts(page);
  await page.goto(url, { waitUntil: "networkidle" });
  await ready();
  await page.waitForLoadState("networkidle");
  const files = scripts()
    .map((file) => ({ file, gzipBytes: gzipSize(readFileSync(path.join(siteDir, decodeURIComponent(file)))) }))
    .sort((a, b) => b.gzipBytes - a.gzipBytes);
  const sitePath = new URL(url).pathname;
  return { page: sitePath, gzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0), files };
}
