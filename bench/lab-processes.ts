// What a workshop lab's processes use, read from /proc: every process of the lab's OS user (rlab-<id>) counts.
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
  const ticksPerSecond = 100;
  let ticks = 0;
  for (const pid of await processesOf(user)) {
    const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    // The fields after the command's closing parenthesis; utime, stime, cutime, cstime are the line's 14th to 17th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    for (const field of fields.slice(11, 15)) ticks += Number(field);
  }
  return ticks / ticksPerSecond;
}

export function mb(kb: number): string {
  return `${(kb / 1024).toFixed(1)} MB`;
}
