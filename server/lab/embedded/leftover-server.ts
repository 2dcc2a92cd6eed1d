// A server left running by a lab that was killed (SIGKILL, OOM, a crash) still holds its data folder and its
// port. Before a node starts, its postmaster.pid tells whether such a server exists; it is stopped only once it
// is proven to be that folder's postmaster, never on the word of a PID that may now be another process.
import fs from "node:fs/promises";
import path from "node:path";
import { LabError } from "../../errors.ts";

/** What postmaster.pid says: its first four lines are the PID, the data folder, the start time and the port. */
export interface LockFile {
  pid: number;
  dataDir: string;
  /** Seconds since the epoch, when the postmaster started. */
  startedAt: number;
  port: number;
}

/** Linux reports process start times in clock ticks; USER_HZ is 100 on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
/** The lock file's start time is taken a moment after the process began. */
const START_TIME_SLACK_S = 2;

type LockFileOwner =
  | { kind: "none" }
  | { kind: "postmaster"; pid: number; port: number }
  | { kind: "before-boot"; pid: number }
  | { kind: "stranger"; pid: number; command: string };

function lockFilePath(dataDir: string): string {
  return path.join(dataDir, "postmaster.pid");
}

export async function readLockFile(dataDir: string): Promise<LockFile | null> {
  const text = await fs.readFile(lockFilePath(dataDir), "utf8").catch(() => null);
  const [pid, folder, startedAt, port] = text?.split("\n") ?? [];
  const numbers = [pid, startedAt, port].map((field) => Number.parseInt(field ?? "", 10));
  if (numbers.some((n) => !Number.isInteger(n) || n <= 0) || !folder) return null;
  return { pid: numbers[0]!, dataDir: folder, startedAt: numbers[1]!, port: numbers[2]! };
}

/** Who holds the lock file of a data folder, if anyone does. */
async function lockFileOwner(dataDir: string): Promise<LockFileOwner> {
  const lock = await readLockFile(dataDir);
  // No file, or its process is gone: PostgreSQL itself takes over a lock file whose process is dead.
  if (!lock || !isAlive(lock.pid)) return { kind: "none" };
  if (await isPostmasterOf(lock, dataDir)) return { kind: "postmaster", pid: lock.pid, port: lock.port };
  if (lock.startedAt < (await bootTime())) return { kind: "before-boot", pid: lock.pid };
  return { kind: "stranger", pid: lock.pid, command: (await commandLine(lock.pid)).join(" ") || "unknown" };
}

/**
 * The process is that folder's postmaster only if every trace agrees: it was started with `-D <folder>` and
 * the lock file's port, it runs in the folder (a postmaster changes into its data folder), and it started when
 * the lock file says. A PID reused by another program, or a process that can't be inspected, fails the proof.
 */
async function isPostmasterOf(lock: LockFile, dataDir: string): Promise<boolean> {
  const args = await commandLine(lock.pid);
  const option = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const folder = option("-D");
  if (!folder || path.resolve(folder) !== path.resolve(dataDir) || option("-p") !== String(lock.port)) return false;
  const [cwd, real] = await Promise.all([
    fs.readlink(`/proc/${lock.pid}/cwd`).catch(() => null),
    fs.realpath(dataDir).catch(() => null),
  ]);
  if (cwd === null || cwd !== real) return false;
  const started = await startTime(lock.pid);
  return started !== null && Math.abs(started - lock.startedAt) <= START_TIME_SLACK_S;
}

/**
 * Stops the server a killed lab left on this data folder, if there is one, and says so. Refuses, with the
 * reason, when the folder's server belongs to a lab that is still running, or when the lock file names a
 * process that can't be proven to be this folder's server (it is never signalled).
 */
export async function stopLeftoverServer(name: string, dataDir: string, note: (text: string) => void): Promise<void> {
  const owner = await lockFileOwner(dataDir);
  const file = lockFilePath(dataDir);
  if (owner.kind === "none") return;
  if (owner.kind === "before-boot") {
    await fs.rm(file, { force: true });
    note(
      `${name}: removed a postmaster.pid left from before the machine started (it named process ` +
        `${owner.pid}, now another program)`,
    );
    return;
  }
  if (owner.kind === "stranger") {
    throw new LabError(
      `${name}: ${file} names process ${owner.pid}, which is not a PostgreSQL server of this folder ` +
        `("${owner.command}"), ` +
        `so the lab won't signal it. If no PostgreSQL server uses this folder (a container sharing it ` +
        `would), the file ` +
        `was left by a crash: remove it and start again.`,
    );
  }
  await refuseIfOwnedByRunningLab(name, owner.pid, dataDir);
  process.kill(owner.pid, "SIGINT");
  if (!(await exited(owner.pid, 30_000))) {
    throw new LabError(`${name}: the server left running on ${dataDir} (pid ${owner.pid}) did not stop within 30 s.`);
  }
  note(
    `${name}: stopped a server left running by an earlier start that ended without stopping it (pid ` +
      `${owner.pid}, port ${owner.port})`,
  );
}

/** A postmaster whose parent is a live Node process belongs to a lab that is running now: not left over. */
async function refuseIfOwnedByRunningLab(name: string, pid: number, dataDir: string): Promise<void> {
  const parent = await parentOf(pid);
  if (parent === null || parent === 1 || !isAlive(parent)) return;
  const comm = await fs.readFile(`/proc/${parent}/comm`, "utf8").catch(() => "");
  if (comm.trim() !== "node") return;
  throw new LabError(
    `${name} is already running (postgres pid ${pid}, started by process ${parent}): is another "npm start" using ` +
      `${dataDir}? Stop it first, or set LAB_DATA_DIR to another folder.`,
  );
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs; waited += 100) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}

async function commandLine(pid: number): Promise<string[]> {
  const text = await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  return text.split("\0").filter((arg) => arg !== "");
}

/** Fields of /proc/PID/stat after the command name, which is in parentheses and may hold spaces. */
async function statFields(pid: number): Promise<string[] | null> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  return stat ? stat.slice(stat.lastIndexOf(")") + 2).split(" ") : null;
}

async function parentOf(pid: number): Promise<number | null> {
  const parent = Number.parseInt((await statFields(pid))?.[1] ?? "", 10);
  return Number.isInteger(parent) ? parent : null;
}

/** When the process started, in seconds since the epoch (field 22 of /proc/PID/stat, ticks since boot). */
async function startTime(pid: number): Promise<number | null> {
  const ticks = Number.parseInt((await statFields(pid))?.[19] ?? "", 10);
  if (!Number.isInteger(ticks)) return null;
  return (await bootTime()) + ticks / CLOCK_TICKS_PER_SECOND;
}

async function bootTime(): Promise<number> {
  const stat = await fs.readFile("/proc/stat", "utf8").catch(() => "");
  return Number(/^btime (\d+)$/m.exec(stat)?.[1] ?? 0);
}
