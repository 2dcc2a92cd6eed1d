// What a workshop lab's processes use, read from /proc: every process of the lab's OS user (rlab-<tag>-<id>) counts.
// PSS shares each page among the processes that map it (shared_buffers, the binaries' text), so the PSS of a
// lab is what it adds to the machine; RSS counts shared pages once per process and overstates it.
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface LabMemory {
  processes: number;
  rssKb: number;
  pssKb: number;
}

/** The pids of every process running as `user`. */
export async function processesOf(user: string): Promise<number[]> {
  const uid = Number.parseInt((await run("id", ["-u", user])).stdout, 10);
  const pids: number[] = [];
  for (const entry of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await fs.readFile(`/proc/${entry}/status`, "utf8").catch(() => "");
    if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) === uid) pids.push(Number(entry));
  }
  return pids;
}

/** RSS and PSS summed over the processes of `user`. */
export async function labMemory(user: string): Promise<LabMemory> {
  const memory = { processes: 0, rssKb: 0, pssKb: 0 };
  for (const pid of await processesOf(user)) {
    const rollup = await fs.readFile(`/proc/${pid}/smaps_rollup`, "utf8").catch(() => "");
    if (!rollup) continue;
    memory.processes++;
    memory.rssKb += Number(/^Rss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
    memory.pssKb += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
  }
  return memory;
}

/**
 * CPU time, in seconds, the processes of `user` have used so far: user and system time (/proc/<pid>/stat's utime
 * and stime) and that of their children that exited and were waited for (cutime, cstime): a backend exits when
 * its connection closes, and its postmaster, which waits for it, then carries its time.
 */
export async function cpuSeconds(user: string): Promise<number> {
  let seconds = 0;
  for (const used of (await cpuByKind(user)).values()) seconds += used;
  return seconds;
}

/**
 * The same, by kind of process, from the title PostgreSQL gives each ("postgres: checkpointer", "postgres: logical
 * replication apply worker for subscription 16401", a backend's "postgres: postgres postgres 127.0.0.1(5432) idle"):
 * where a lab's CPU goes. A postmaster's share includes the time of its children that exited (backends of closed
 * connections, table-sync workers).
 */
export async function cpuByKind(user: string): Promise<Map<string, number>> {
  const ticksPerSecond = 100;
  const byKind = new Map<string, number>();
  for (const pid of await processesOf(user)) {
    const [stat, cmdline] = await Promise.all([
      fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => ""),
      fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => ""),
    ]);
    // The fields after the command's closing parenthesis; utime, stime, cutime, cstime are the line's 14th to 17th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = fields.slice(11, 15).reduce((sum, field) => sum + Number(field), 0);
    const kind = processKind(cmdline);
    byKind.set(kind, (byKind.get(kind) ?? 0) + ticks / ticksPerSecond);
  }
  return byKind;
}

const KINDS = [
  "checkpointer",
  "background writer",
  "walwriter",
  "autovacuum launcher",
  "autovacuum worker",
  "logical replication launcher",
  "logical replication apply worker",
  "logical replication tablesync worker",
  "walsender",
  "io worker",
];

function processKind(cmdline: string): string {
  const title = cmdline.replaceAll("\0", " ").trim();
  if (!title.startsWith("postgres:")) return title.includes("postgres") ? "postmaster" : title.split(" ")[0] || "?";
  const rest = title.slice("postgres:".length).trim();
  return KINDS.find((kind) => rest.startsWith(kind) || rest.includes(` ${kind} `)) ?? "backend";
}

/** Seconds used between two readings of cpuByKind, by kind, largest first. */
export function cpuSpent(before: Map<string, number>, after: Map<string, number>): [string, number][] {
  return [...after]
    .map(([kind, seconds]): [string, number] => [kind, seconds - (before.get(kind) ?? 0)])
    .sort((a, b) => b[1] - a[1]);
}

export function mb(kb: number): string {
  return `${(kb / 1024).toFixed(1)} MB`;
}
