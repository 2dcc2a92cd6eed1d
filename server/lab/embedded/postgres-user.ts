import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { Config } from "../../config.ts";
import { LabError } from "../../errors.ts";

const run = promisify(execFile);

export interface RunAs {
  uid: number;
  gid: number;
  /** The OS user's name, for messages: "postgres" when not said. */
  name?: string;
}

/** What a child process is started with to run as `runAs` (its name is for messages only). */
export function spawnIdentity(runAs: RunAs | undefined): { uid?: number; gid?: number } {
  return runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
}

async function idOf(flag: "-u" | "-g", name: string): Promise<number | null> {
  try {
    const { stdout } = await run("id", [flag, name]);
    return Number.parseInt(stdout, 10);
  } catch {
    return null;
  }
}

/**
 * PostgreSQL refuses to run as root. As root (CI, containers) the clusters run as a `postgres` system user,
 * created if missing. Returns undefined when we are not root and the servers simply run as us.
 */
export function postgresUser(): Promise<RunAs | undefined> {
  return osUser("postgres");
}

/** useradd, userdel and their group commands lock /etc/passwd: users are made and removed one at a time. */
let creating: Promise<unknown> = Promise.resolve();

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** Runs `change` once the user changes queued before it are done, so that two never hold /etc/passwd at once. */
function oneAtATime<T>(change: () => Promise<T>): Promise<T> {
  const done = creating.then(change);
  creating = done.catch(() => {});
  return done;
}

/**
 * As root, the system user `name` (no home, no login shell), created if missing; undefined when we are not
 * root. The single-user lab runs its servers as `postgres`; workshop mode runs each lab's as a user of its own.
 */
export async function osUser(name: string): Promise<RunAs | undefined> {
  if (!isRoot()) return undefined;
  let uid = await idOf("-u", name);
  if (uid === null) {
    await oneAtATime(() => createUser(name));
    uid = await idOf("-u", name);
  }
  const gid = await idOf("-g", name);
  if (uid === null || gid === null) throw new LabError(`Could not look up the "${name}" user.`);
  return { uid, gid, name };
}

async function createUser(name: string): Promise<void> {
  // Another start may have made it while this one waited its turn.
  if ((await idOf("-u", name)) !== null) return;
  try {
    await run("groupadd", ["--system", name]).catch(() => {});
    await run("useradd", ["--system", "--gid", name, "--no-create-home", "--shell", "/usr/sbin/nologin", name]);
  } catch (error) {
    throw new LabError(
      `Running as root, the lab needs a "${name}" user to run the servers as, and could not create one ` +
        `(${(error as Error).message.trim()}). Create it (useradd --system ${name}) or run as another user.`,
      { cause: error },
    );
  }
}

/**
 * As root, removes the system user `name` and its group, once no process of it runs: whatever is left (a
 * program an attendee's SQL started in the background, a server that did not stop) is killed first, because a
 * uid freed with processes still running would hand them to the next user given that uid. Not root, or no
 * such user: nothing to do. The caller removes the user's files first, for the same reason.
 */
export async function removeOsUser(name: string): Promise<void> {
  if (!isRoot()) return;
  const uid = await idOf("-u", name);
  if (uid === null) return;
  await endProcessesOf(uid, name);
  await oneAtATime(() => deleteUser(name));
}

/** The names of the machine's users that begin with `prefix` (from getent, so NSS's view, /etc/passwd here). */
export async function osUsersNamed(prefix: string): Promise<string[]> {
  const { stdout } = await run("getent", ["passwd"], { maxBuffer: 16 * 1024 * 1024 });
  return stdout
    .split("\n")
    .map((line) => line.split(":")[0] ?? "")
    .filter((user) => user.startsWith(prefix));
}

/** The PIDs of the processes running as `uid` (real uid, from /proc; zombies included until they are reaped). */
export async function processesOf(uid: number): Promise<number[]> {
  const entries = await fs.readdir("/proc").catch(() => [] as string[]);
  const owned = await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry))
      .map(async (entry) => {
        const status = await fs.readFile(`/proc/${entry}/status`, "utf8").catch(() => "");
        return /^Uid:\s+(\d+)/m.exec(status)?.[1] === String(uid) ? Number(entry) : null;
      }),
  );
  return owned.filter((pid): pid is number => pid !== null);
}

const PROCESSES_GONE_MS = 15_000;

async function endProcessesOf(uid: number, name: string): Promise<void> {
  for (let waited = 0; ; waited += 100) {
    const pids = await processesOf(uid);
    if (pids.length === 0) return;
    if (waited >= PROCESSES_GONE_MS) {
      throw new LabError(
        `The "${name}" user still runs processes ${pids.join(", ")} after they were killed, so it is kept; ` +
          `remove it once they are gone (userdel ${name}).`,
      );
    }
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone already, or a zombie waiting for its parent: the next look tells.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function deleteUser(name: string): Promise<void> {
  // Another removal may have taken it while this one waited its turn.
  if ((await idOf("-u", name)) === null) return;
  try {
    await run("userdel", [name]);
  } catch (error) {
    throw new LabError(`Could not remove the "${name}" user (${(error as Error).message.trim()}).`, { cause: error });
  }
  // userdel removes the user's own group where login.defs says USERGROUPS_ENAB; elsewhere it stays. groupdel
  // fails harmlessly when the group is gone already.
  await run("groupdel", [name]).catch(() => {});
}

/** The folders above `dataDir` that the postgres user can't pass through (execute permission). */
export async function closedFolders(dataDir: string, user: RunAs): Promise<string[]> {
  let folder = path.dirname(path.resolve(dataDir));
  const closed: string[] = [];
  for (;;) {
    const stat = await fs.stat(folder).catch(() => null);
    if (stat) {
      const mode = stat.mode;
      const canPass =
        stat.uid === user.uid
          ? (mode & 0o100) !== 0
          : stat.gid === user.gid
            ? (mode & 0o010) !== 0
            : (mode & 0o001) !== 0;
      if (!canPass) closed.push(folder);
    }
    const parent = path.dirname(folder);
    if (parent === folder) return closed;
    folder = parent;
  }
}

/**
 * The postgres user must be able to walk down to the data folder. A checkout under a home folder of mode 700
 * fails at initdb with a bare "permission denied"; this says which folder and what to do instead.
 */
export async function checkReachable(dataDir: string, user: RunAs): Promise<void> {
  const closed = await closedFolders(dataDir, user);
  if (closed.length === 0) return;
  const top = closed[closed.length - 1];
  throw new LabError(
    `The lab runs PostgreSQL as the "${user.name ?? "postgres"}" user (we are root), and that user can't ` +
      `reach ${dataDir}: ` +
      `${closed.join(", ")} ${closed.length === 1 ? "is" : "are"} closed to it. Either keep the lab's data ` +
      `somewhere it can reach, e.g. LAB_DATA_DIR=/var/tmp/replication-lab npm start, or open the folder ` +
      `for passing through (chmod o+x ${top}).`,
  );
}

/**
 * As root, the servers run as the postgres user, which must be able to pass through every folder above the
 * data folder. A checkout under a home folder of mode 700 can't be reached; rather than fail, the default
 * folder moves to one under /var/tmp named after the checkout (so every start finds the same data), and the
 * start-up output says so. A folder the user chose with LAB_DATA_DIR is used as given, or refused with the reason.
 */
export async function reachableDataDir(config: Config, runAs: RunAs, note: (text: string) => void): Promise<string> {
  const closed = await closedFolders(config.dataDir, runAs);
  if (closed.length === 0) return config.dataDir;
  if (config.dataDirExplicit) await checkReachable(config.dataDir, runAs);
  const digest = createHash("sha256").update(config.dataDir).digest("hex").slice(0, 10);
  const standIn = path.join("/var/tmp", `replication-lab-${digest}`);
  await checkReachable(standIn, runAs);
  note(`the postgres user can't pass through ${closed.join(", ")}, so the lab keeps its data in ${standIn}`);
  return standIn;
}
