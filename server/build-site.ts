import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { PROGRESS_PREFIX } from "./build-progress/astro-integration.ts";
import { BuildPhases, describePhase, type BuildPhase } from "./build-progress/phases.ts";
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
  /**
   * Hears each phase of the build as it starts and moves (npm start draws it as an updating line). Each phase
   * says a line of its own through `say` once it is done, whether or not this is given.
   */
  progress?: (phase: BuildPhase) => void;
}

/** How often the phase under way is said again while Astro is quiet, so that its time moves. */
const TICK_MS = 200;

/** Astro colours its lines when told to (FORCE_COLOR): the phases are read from the text. */
const stripColour = (line: string) => line.replace(/\x1b\[[0-9;]*m/g, "");

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
  const phases = new BuildPhases((phase) => {
    options.progress?.(phase);
    if (phase.done && !phase.failed) say(`  ${describePhase(phase)}`);
  });
  const ticking = options.progress ? setInterval(() => phases.tick(), TICK_MS) : undefined;
  const output = await runAstroBuild(siteDir, options.env ?? {}, (line) => phases.feed(line)).finally(() =>
    clearInterval(ticking),
  );
  phases.end(output.code === 0);
  if (output.code !== 0) {
    throw new CliError(`The site failed to build:\n${output.text.trim().split("\n").slice(-20).join("\n")}`);
  }
  say(`  site: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Runs `astro build` into siteDir, handing each line it prints to `heard`; resolves with its exit code and text. */
function runAstroBuild(
  siteDir: string,
  env: Record<string, string>,
  heard: (line: string) => void,
): Promise<{ code: number | null; text: string }> {
  const astro = path.join(PROJECT_ROOT, "node_modules", "astro", "astro.js");
  return new Promise((resolve) => {
    // Into siteDir, wherever it is (LAB_SITE_DIR, the tests' own folder), not Astro's default dist/. Astro's own
    // lines (not --silent) say where the build is; LAB_BUILD_PROGRESS adds the counts it does not say.
    const child = spawn(process.execPath, [astro, "build", "--outDir", siteDir], {
      cwd: PROJECT_ROOT,
      // The product's build never has the tests' fixture pages, whatever the shell exported.
      env: {
        ...buildEnv(),
        LAB_TEST_FIXTURES: "0",
        ...env,
        ASTRO_TELEMETRY_DISABLED: "1",
        LAB_BUILD_PROGRESS: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    let partial = "";
    child.stdout.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        const plain = stripColour(line);
        heard(plain);
        if (!plain.startsWith(PROGRESS_PREFIX)) text += `${line}\n`;
      }
    });
    child.stderr.on("data", (chunk) => (text += chunk));
    child.on("close", (code) => resolve({ code, text }));
  });
}
