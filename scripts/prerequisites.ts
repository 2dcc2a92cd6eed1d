// What the lab tests need from the machine besides Node and npm: a Chromium-family browser, which playwright-core
// drives in test/e2e (it never downloads one here), and psql, whose output the meta-command tests compare with the
// bridge's. Both are found the same way by `npm test`'s pre-test check (scripts/test-prereqs.ts) and by the tests
// that use them, so the check can't pass on a program the tests then fail to find.
import { accessSync, constants, readFileSync } from "node:fs";
import path from "node:path";

/** The parts of the machine the search looks at; tests give their own. */
export interface Machine {
  env: Record<string, string | undefined>;
  isExecutable(file: string): boolean;
  isRoot: boolean;
  /** The words of /etc/os-release's ID and ID_LIKE (e.g. ["debian"]); empty when there is no such file. */
  distro: string[];
}

/** Where a browser usually is, after CHROMIUM_PATH: Debian's chromium first, as CI installs it. */
const BROWSER_PLACES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/snap/bin/chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
];
const BROWSER_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/** The Debian packages that give each program, as .ci/run has always installed them. */
const PACKAGES = { browser: "chromium", psql: "postgresql-client" } as const;

export function thisMachine(): Machine {
  return {
    env: process.env,
    isExecutable: (file) => {
      try {
        accessSync(file, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    isRoot: process.getuid?.() === 0,
    distro: distroWords(readOsRelease()),
  };
}

function readOsRelease(): string {
  try {
    return readFileSync("/etc/os-release", "utf8");
  } catch {
    return "";
  }
}

/** ID and ID_LIKE of an os-release file, as words: Ubuntu gives ["ubuntu", "debian"]. */
export function distroWords(osRelease: string): string[] {
  const words: string[] = [];
  for (const match of osRelease.matchAll(/^(?:ID|ID_LIKE)=(.*)$/gm)) {
    words.push(...match[1]!.replace(/["']/g, "").split(/\s+/).filter(Boolean));
  }
  return words;
}

function onPath(machine: Machine, name: string): string | undefined {
  for (const dir of (machine.env["PATH"] ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    if (machine.isExecutable(file)) return file;
  }
  return undefined;
}

/** The browser in the usual places; CHROMIUM_PATH, when set, is the only place looked at. */
export function findBrowser(machine: Machine): string | undefined {
  const chosen = machine.env["CHROMIUM_PATH"];
  if (chosen) return machine.isExecutable(chosen) ? chosen : undefined;
  return usualBrowser(machine);
}

function usualBrowser(machine: Machine): string | undefined {
  const fixed = BROWSER_PLACES.find((file) => machine.isExecutable(file));
  if (fixed) return fixed;
  for (const name of BROWSER_NAMES) {
    const found = onPath(machine, name);
    if (found) return found;
  }
  return undefined;
}

function findPsql(machine: Machine): string | undefined {
  return onPath(machine, "psql");
}

/** What `npm test` does about the machine: go ahead, install what is missing first, or stop and say why. */
export type Plan =
  | { kind: "ready"; browser: string; psql: string }
  | { kind: "install"; packages: string[] }
  | { kind: "stop"; message: string };

export function plan(machine: Machine): Plan {
  const browser = findBrowser(machine);
  const psql = findPsql(machine);
  if (browser && psql) return { kind: "ready", browser, psql };
  const missing = whatIsMissing(machine);
  if (!missing.badChoice && canInstall(machine)) return { kind: "install", packages: missing.packages };
  return { kind: "stop", message: explain(machine, missing) };
}

interface Missing {
  /** CHROMIUM_PATH, when it names nothing this user can run. */
  badChoice: string | undefined;
  browser: boolean;
  psql: boolean;
  /** What to install: a bad CHROMIUM_PATH is fixed by unsetting it, unless the usual places have no browser either. */
  packages: string[];
}

function whatIsMissing(machine: Machine): Missing {
  const browser = !findBrowser(machine);
  const psql = !findPsql(machine);
  const badChoice = browser && machine.env["CHROMIUM_PATH"] ? machine.env["CHROMIUM_PATH"] : undefined;
  const packages: string[] = [];
  if (browser && !(badChoice && usualBrowser(machine))) packages.push(PACKAGES.browser);
  if (psql) packages.push(PACKAGES.psql);
  return { badChoice, browser, psql, packages };
}

const isDebianLike = (machine: Machine) => machine.distro.some((word) => word === "debian" || word === "ubuntu");

/** Installing is only done where CI does it: as root, on Debian or Ubuntu, with apt-get at hand. */
function canInstall(machine: Machine): boolean {
  return machine.isRoot && isDebianLike(machine) && onPath(machine, "apt-get") !== undefined;
}

/** What is missing and the one command that brings it. */
function explain(machine: Machine, missing: Missing): string {
  const lines = ["The lab's tests need programs this machine lacks:"];
  if (missing.badChoice)
    lines.push(`  - CHROMIUM_PATH is ${missing.badChoice}, which is not a program this user can run.`);
  else if (missing.browser) {
    lines.push(
      `  - Chromium or Chrome, for the browser tests (looked at CHROMIUM_PATH, ` +
        `${BROWSER_PLACES.slice(0, 3).join(", ")}..., and on PATH).`,
    );
  }
  if (missing.psql)
    lines.push("  - psql (looked on PATH), for the meta-command tests, which compare the lab's output with psql's.");
  lines.push("Run this, then npm test again:", `  ${fixCommand(machine, missing)}`);
  return lines.join("\n");
}

function fixCommand(machine: Machine, missing: Missing): string {
  const steps = missing.badChoice ? ["unset CHROMIUM_PATH"] : [];
  if (missing.packages.length > 0) {
    if (isDebianLike(machine))
      steps.push(`${machine.isRoot ? "" : "sudo "}apt-get install -y ${missing.packages.join(" ")}`);
    else {
      const elsewhere = missing.packages.includes(PACKAGES.browser)
        ? " (or set CHROMIUM_PATH to a browser you have)"
        : "";
      steps.push(`install ${missing.packages.map(describePackage).join(" and ")}${elsewhere}`);
    }
  }
  return steps.join(" && ");
}

function describePackage(name: string): string {
  return name === PACKAGES.browser ? "Chromium or Google Chrome" : "the PostgreSQL client (psql)";
}

/** For the tests that use them: the program, or what is missing and how to get it, as the pre-test check says. */
export function requireBrowser(): string {
  return findBrowser(thisMachine()) ?? fail();
}

export function requirePsql(): string {
  return findPsql(thisMachine()) ?? fail();
}

function fail(): never {
  const machine = thisMachine();
  throw new Error(explain(machine, whatIsMissing(machine)));
}

/** Runs a program to its end: its exit code and what it printed. */
export type Run = (
  command: string,
  args: string[],
  env: Record<string, string>,
) => Promise<{ code: number; output: string }>;

/**
 * `npm test`'s pre-test check: resolves with the programs found, installing what is missing first where CI would
 * (root on Debian or Ubuntu), and rejects with what is missing and the one command that brings it otherwise.
 * `look` is asked again after installing, since the machine has changed.
 */
export async function prepare(
  look: () => Machine,
  run: Run,
  say: (line: string) => void,
): Promise<{ browser: string; psql: string }> {
  const first = plan(look());
  if (first.kind === "ready") return { browser: first.browser, psql: first.psql };
  if (first.kind === "stop") throw new Error(first.message);
  const install = `apt-get install -y ${first.packages.join(" ")}`;
  say(`npm test: installing ${first.packages.join(" and ")} for the lab's tests (${install}, as CI does)...`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [
    ["update", "-qq"],
    ["install", "-y", "-qq", ...first.packages],
  ]) {
    const { code, output } = await run("apt-get", args, env);
    if (code !== 0) {
      const tail = output.trim().split("\n").slice(-10).join("\n");
      throw new Error(
        `apt-get ${args[0]} failed (exit code ${code}):\n${tail}\nFix that, or run this yourself, then npm ` +
          `test again:\n  ${install}`,
      );
    }
  }
  const machine = look();
  const after = plan(machine);
  if (after.kind === "ready") return { browser: after.browser, psql: after.psql };
  throw new Error(
    `apt-get installed ${first.packages.join(" and ")}, yet the tests still can't find ` +
      `them.\n${explain(machine, whatIsMissing(machine))}`,
  );
}

/**
 * The Docker tests' part of the machine (test/integration/hub-image.test.ts, docker-mode.test.ts): Debian's
 * engine and debootstrap, for the stand-in images (scripts/docker/), and Compose: v2's plugin where the docker CLI
 * has it, else Debian's docker-compose (v1). Installed where CI installs the rest (root, Debian or Ubuntu); where
 * that can't be, nothing stops: those tests say why they can't run, and the others run.
 */
export type DockerPlan = { kind: "ready" } | { kind: "install"; packages: string[] } | { kind: "absent"; why: string };

/** Where the docker CLI finds Compose v2's plugin (`docker compose`), system-wide. */
const COMPOSE_PLUGINS = [
  "/usr/libexec/docker/cli-plugins/docker-compose",
  "/usr/local/lib/docker/cli-plugins/docker-compose",
];

export function dockerPlan(machine: Machine): DockerPlan {
  const packages: string[] = [];
  if (!onPath(machine, "dockerd")) packages.push("docker.io");
  if (!onPath(machine, "debootstrap")) packages.push("debootstrap");
  if (!onPath(machine, "docker-compose") && !COMPOSE_PLUGINS.some((file) => machine.isExecutable(file))) {
    packages.push("docker-compose");
  }
  if (packages.length === 0) return { kind: "ready" };
  if (canInstall(machine)) return { kind: "install", packages };
  const command = isDebianLike(machine)
    ? `${machine.isRoot ? "" : "sudo "}apt-get install -y ${packages.join(" ")}`
    : "install Docker Engine, Compose and debootstrap";
  return { kind: "absent", why: `${packages.join(" and ")} not installed here (${command})` };
}

/** Installs the Docker tests' packages where dockerPlan says to; says what the Docker tests will lack otherwise. */
export async function prepareDocker(look: () => Machine, run: Run, say: (line: string) => void): Promise<void> {
  const first = dockerPlan(look());
  if (first.kind === "ready") return;
  if (first.kind === "absent") {
    say(`npm test: ${first.why}; the Docker tests will say they can't run.`);
    return;
  }
  say(`npm test: installing ${first.packages.join(" and ")} for the Docker tests (as CI does)...`);
  for (const args of [
    ["update", "-qq"],
    ["install", "-y", "-qq", ...first.packages],
  ]) {
    const { code, output } = await run("apt-get", args, { DEBIAN_FRONTEND: "noninteractive" });
    if (code !== 0) {
      const tail = output.trim().split("\n").slice(-10).join("\n");
      throw new Error(`apt-get ${args[0]} for ${first.packages.join(" ")} failed (exit code ${code}):\n${tail}`);
    }
  }
  const after = dockerPlan(look());
  if (after.kind !== "ready") {
    throw new Error(
      `apt-get installed ${first.packages.join(" and ")}, yet dockerd, Compose or debootstrap is not on PATH.`,
    );
  }
}
