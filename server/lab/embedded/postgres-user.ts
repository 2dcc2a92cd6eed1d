import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { LabError } from "../../errors.ts";

const run = promisify(execFile);

export interface RunAs {
  uid: number;
  gid: number;
}

async function idOf(flag: "-u" | "-g", user: string): Promise<number | null> {
  try {
    const { stdout } = await run("id", [flag, user]);
    return Number.parseInt(stdout, 10);
  } catch {
    return null;
  }
}

/**
 * PostgreSQL refuses to run as root. As root (CI, containers) the clusters run as a `postgres` system user,
 * created if missing. Returns undefined when we are not root and the servers simply run as us.
 */
export async function postgresUser(): Promise<RunAs | undefined> {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  return systemUser("postgres");
}

/**
 * The system user (no login shell, no home folder) of this name, with a group of its own, created if missing.
 * Only root can create one; workshop mode runs the hub's database and each lab as one of these.
 */
export async function systemUser(user: string): Promise<RunAs> {
  let uid = await idOf("-u", user);
  if (uid === null) {
    try {
      await run("groupadd", ["--system", user]).catch(() => {});
      await run("useradd", ["--system", "--gid", user, "--no-create-home", "--shell", "/usr/sbin/nologin", user]);
    } catch (error) {
      throw new LabError(
        `Running as root, the lab needs a "${user}" user to run the servers as, and could not create one ` +
          `(${(error as Error).message.trim()}). Create it (useradd --system ${user}) or run as another user.`,
        { cause: error },
      );
    }
    uid = await idOf("-u", user);
  }
  const gid = await idOf("-g", user);
  if (uid === null || gid === null) throw new LabError(`Could not look up the "${user}" user.`);
  return { uid, gid };
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
    `The lab runs PostgreSQL as the "postgres" user (we are root), and that user can't reach ${dataDir}: ` +
      `${closed.join(", ")} ${closed.length === 1 ? "is" : "are"} closed to it. Either keep the lab's data ` +
      `somewhere it can reach, e.g. LAB_DATA_DIR=/var/tmp/replication-lab npm start, or open the folder ` +
      `for passing through (chmod o+x ${top}).`,
  );
}
