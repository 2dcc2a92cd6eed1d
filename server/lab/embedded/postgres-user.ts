import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
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

/** useradd and groupadd lock /etc/passwd: labs started together create their users one at a time. */
let creating: Promise<unknown> = Promise.resolve();

/**
 * As root, the system user `name` (no home, no login shell), created if missing; undefined when we are not
 * root. The single-user lab runs its servers as `postgres`; workshop mode runs each lab's as a user of its own.
 */
export async function osUser(name: string): Promise<RunAs | undefined> {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  let uid = await idOf("-u", name);
  if (uid === null) {
    const created = creating.then(() => createUser(name));
    creating = created.catch(() => {});
    await created;
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
