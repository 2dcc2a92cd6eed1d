import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { PROJECT_ROOT } from "./config.ts";
import { CliError } from "./errors.ts";

/** What the built site depends on: a change to any of these makes `npm start` build again. */
// shared/ too: the pages import its lesson and placeholder code.
const SOURCES = ["src", "shared", "public", "astro.config.mjs", "package-lock.json"];

async function newestChange(entry: string): Promise<number> {
  const stat = await fs.stat(entry).catch(() => null);
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  const children = await fs.readdir(entry);
  const times = await Promise.all(children.map((child) => newestChange(path.join(entry, child))));
  return Math.max(stat.mtimeMs, ...times);
}

/** A build other than the product's: the test run's, with its fixture pages. */
export interface SiteBuildOptions {
  /** Environment variables for the build (astro.config.mjs reads LAB_TEST_FIXTURES). */
  env?: Record<string, string>;
  /** More files or folders, relative to the project, that this build depends on. */
  sources?: string[];
}

/** Vite's own variables, which vitest puts in the environment of the process it runs in (DEV=1, MODE=test). */
const VITE_ENV = ["DEV", "PROD", "MODE", "SSR", "BASE_URL"];

/**
 * The environment a build runs in: this process's, less what would make it a development build. Started by the
 * tests (under vitest), Astro read DEV=1 and built a development site, whose search is off ("only available in
 * production builds"); a build is for serving, whoever starts it.
 */
function buildEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production" };
  for (const name of VITE_ENV) delete env[name];
  return env;
}

/** Builds the site with Astro into siteDir unless it is newer than everything it is built from. */
export async function buildSiteIfNeeded(
  siteDir: string,
  say: (line: string) => void,
  options: SiteBuildOptions = {},
): Promise<void> {
  const built = await fs.stat(path.join(siteDir, "index.html")).catch(() => null);
  const entries = [...SOURCES, ...(options.sources ?? [])];
  const times = await Promise.all(entries.map((entry) => newestChange(path.join(PROJECT_ROOT, entry))));
  const sources = Math.max(...times);
  if (built && built.mtimeMs >= sources) return;
  say(built ? "  site: sources changed, rebuilding..." : "  site: building (the first start takes a little longer)...");
  const started = performance.now();
  const astro = path.join(PROJECT_ROOT, "node_modules", "astro", "astro.js");
  const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
    // Into siteDir, wherever it is (LAB_SITE_DIR, the tests' own folder), not Astro's default dist/.
    const child = spawn(process.execPath, [astro, "build", "--silent", "--outDir", siteDir], {
      cwd: PROJECT_ROOT,
      // The product's build never has the tests' fixture pages, whatever the shell exported.
      env: { ...buildEnv(), LAB_TEST_FIXTURES: "0", ...options.env, ASTRO_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    child.stdout.on("data", (chunk) => (text += chunk));
    child.stderr.on("data", (chunk) => (text += chunk));
    child.on("close", (code) => resolve({ code, text }));
  });
  if (output.code !== 0) {
    throw new CliError(`The site failed to build:\n${output.text.trim().split("\n").slice(-20).join("\n")}`);
  }
  say(`  site: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
