// pgbench, the load benchmarks' baseline: one SQL script run by C clients on master, N transactions in all, as
// fast as PostgreSQL takes them without the bridge in between.
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Where pgbench connects: master's endpoint. */
export interface PgbenchTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/**
 * Runs `sql` as pgbench's script, `requests` transactions over `concurrency` clients (rounded up to a whole number
 * per client), and gives its rate (transactions per second) and how many transactions it ran.
 */
export async function pgbench(
  target: PgbenchTarget,
  sql: string,
  { requests, concurrency }: { requests: number; concurrency: number },
): Promise<{ tps: number; transactions: number }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pgbench-"));
  try {
    const script = path.join(dir, "insert.sql");
    await fs.writeFile(script, sql);
    const { host, port, user, database, password } = target;
    const perClient = Math.ceil(requests / concurrency);
    const args = ["-n", "-h", host, "-p", String(port), "-U", user, "-c", String(concurrency), "-j", "2"];
    const { stdout } = await run("pgbench", [...args, "-t", String(perClient), "-f", script, database], {
      env: { ...process.env, PGPASSWORD: password },
    });
    return { tps: Number(/tps = ([\d.]+)/.exec(stdout)?.[1] ?? NaN), transactions: perClient * concurrency };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
