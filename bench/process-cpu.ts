// CPU time of a process and everything below it, read from /proc (Linux), to say where a benchmark's time goes.
// A process that ended during the measurement is counted in its parent's cutime/cstime once reaped, so a tree's
// total stays whole as long as its root lives: PostgreSQL's backends, for instance, are reaped by the postmaster.
import fs from "node:fs/promises";

const TICKS_PER_SECOND = 100;

interface Times {
  own: number;
  reaped: number;
  parent: number;
}

async function times(pid: number): Promise<Times | undefined> {
  const text = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (!text) return undefined;
  // The command name, in parentheses, may hold spaces: the fields after it are counted from its end.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const tick = (i: number) => Number(fields[i]) / TICKS_PER_SECOND;
  return { parent: Number(fields[1]), own: tick(11) + tick(12), reaped: tick(13) + tick(14) };
}

/** Seconds of CPU used so far by `root` alone (`own`) and by its descendants, living and reaped (`below`). */
export async function treeCpu(root: number): Promise<{ own: number; below: number }> {
  const all = new Map<number, Times>();
  for (const entry of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const found = await times(Number(entry));
    if (found) all.set(Number(entry), found);
  }
  const rootTimes = all.get(root);
  if (!rootTimes) return { own: 0, below: 0 };
  let below = rootTimes.reaped;
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    for (const [child, childTimes] of all) {
      if (childTimes.parent !== pid) continue;
      below += childTimes.own + childTimes.reaped;
      queue.push(child);
    }
  }
  return { own: rootTimes.own, below };
}
