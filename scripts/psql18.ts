// psql 18, for the test that compares the lab's \dRp+ and \dRs+ with it live (test/integration/psql18-meta.test.ts)
// and for the fixtures' capture (test/fixtures/psql/capture-meta.ts). Debian 12 has psql 15 only; Debian sid has
// postgresql-client-18, whose binaries need sid's libc, so psql 18 runs inside a sid chroot made by debootstrap
// (minbase) with postgresql-client-18 installed in it, once per machine: 84, 113 and 167 s on this project's shared
// 2-core machine (the debootstrap is most of it), 450 MB. It reaches the lab's servers over TCP on 127.0.0.1,
// since a chroot shares the machine's network.
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import fs from "node:fs/promises";
import { debianMirror } from "./docker/base-images.ts";

/** Where the sid chroot is kept between runs (LAB_PSQL18_ROOT to choose another place). */
export const PSQL18_ROOT = process.env["LAB_PSQL18_ROOT"] || "/var/tmp/replication-lab-psql18";
/** Debian's psql 18, inside the chroot or on a machine that has postgresql-client-18 itself. */
const DEBIAN_PSQL18 = "/usr/lib/postgresql/18/bin/psql";

/** How to run psql 18: `command` with `args` before psql's own arguments. */
export interface Psql18 {
  command: string;
  args: string[];
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** PSQL18 (a psql 18 program), the machine's own Debian psql 18, or the chroot's (root only: chroot needs it). */
export function findPsql18(): Psql18 | undefined {
  const chosen = process.env["PSQL18"];
  if (chosen) return executable(chosen) ? { command: chosen, args: [] } : undefined;
  if (executable(DEBIAN_PSQL18)) return { command: DEBIAN_PSQL18, args: [] };
  if (process.getuid?.() === 0 && executable(PSQL18_ROOT + DEBIAN_PSQL18)) {
    return { command: "chroot", args: [PSQL18_ROOT, DEBIAN_PSQL18] };
  }
  return undefined;
}

/** Why psql 18 can't be made here, or undefined when it can: root, debootstrap and chroot are needed. */
export function cannotMakePsql18(): string | undefined {
  if (process.getuid?.() !== 0) return "making psql 18's sid chroot needs root";
  if (!["/usr/sbin/debootstrap", "/usr/bin/debootstrap"].some(executable)) {
    return "debootstrap is not installed (apt-get install -y debootstrap)";
  }
  return undefined;
}

export function runQuiet(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("error", (error) => resolve({ code: 127, output: output + error.message }));
    child.once("close", (code) => resolve({ code: code ?? 128, output }));
  });
}

export async function step(what: string, command: string, args: string[]): Promise<void> {
  const { code, output } = await runQuiet(command, args);
  if (code !== 0)
    throw new Error(`${what} failed (exit code ${code}):\n${output.trim().split("\n").slice(-15).join("\n")}`);
}

/**
 * psql 18 as findPsql18 finds it, making the sid chroot first when there is none. The chroot is made in a folder
 * beside its place and renamed into it once psql 18 runs there, so a make that failed half way is never used.
 */
export async function preparePsql18(say: (line: string) => void): Promise<Psql18> {
  const found = findPsql18();
  if (found) return found;
  const why = cannotMakePsql18();
  if (why) throw new Error(`psql 18 is not on this machine, and ${why}.`);
  // The mirror apt uses here (deb.debian.org unless sources.list names another), as the Docker stand-ins do.
  const mirror = process.env["LAB_SID_MIRROR"] || debianMirror();
  const began = performance.now();
  const building = `${PSQL18_ROOT}.building`;
  await fs.rm(building, { recursive: true, force: true });
  say(`psql 18: debootstrap --variant=minbase sid ${building} ${mirror} (once; 1.5 to 3 minutes)`);
  await step("debootstrap of Debian sid", "debootstrap", ["--variant=minbase", "sid", building, mirror]);
  // sid's Release file says how long it is valid (a week); a machine whose clock runs past a mirror's copy would
  // otherwise refuse it, though the packages are the ones debootstrap has just verified by the same keys.
  const apt = ["-o", "Acquire::Check-Valid-Until=false"];
  await step("apt-get update in the sid chroot", "chroot", [building, "apt-get", ...apt, "update", "-qq"]);
  await step("apt-get install postgresql-client-18 in the sid chroot", "chroot", [
    building,
    "apt-get",
    ...apt,
    "install",
    "-y",
    "-qq",
    "--no-install-recommends",
    "postgresql-client-18",
  ]);
  await step("psql 18 in the sid chroot", "chroot", [building, DEBIAN_PSQL18, "--version"]);
  await fs.rm(`${building}/var/cache/apt/archives`, { recursive: true, force: true });
  if (existsSync(PSQL18_ROOT)) await fs.rm(PSQL18_ROOT, { recursive: true, force: true });
  await fs.rename(building, PSQL18_ROOT);
  say(`psql 18: made in ${((performance.now() - began) / 1000).toFixed(0)} s, in ${PSQL18_ROOT}`);
  const made = findPsql18();
  if (!made) throw new Error(`psql 18 was made in ${PSQL18_ROOT}, yet it can't be run from there.`);
  return made;
}

/**
 * `npm test`'s pre-test check for the live psql 18 test: makes the chroot where it can (root, debootstrap), as CI
 * does. Elsewhere, and when the make fails outside CI, it says so and the tests go on: that one test says why it
 * can't run. In CI (CI set) a failed make stops the run, since the test would fail anyway.
 */
export async function preparePsql18ForTests(say: (line: string) => void): Promise<void> {
  if (findPsql18()) return;
  const why = cannotMakePsql18();
  if (why) {
    say(`npm test: no psql 18 here, and ${why}; the live psql 18 test will say it can't run.`);
    return;
  }
  try {
    await preparePsql18(say);
  } catch (error) {
    if (process.env["CI"]) throw error;
    say(`npm test: psql 18 could not be made (${(error as Error).message}); the live psql 18 test will say so.`);
  }
}
