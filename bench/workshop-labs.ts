// Workshop mode's local labs, measured on this machine (run as root, as the hub does):
//   fill:    how long the warm pool takes to start from empty (its labs start side by side);
//   acquire: how long acquire() takes to hand out a lab from the warm pool, against one lab's cold start;
//   refill:  how long after an acquire() the pool is full again (one lab started in the background);
//   memory:  RSS and PSS of an idle lab's processes (every process of its OS user, from /proc/<pid>/smaps_rollup)
//            with three subscriptions (slave1..3 on master) and the per-lab limits, and how many processes.
// (PSS against RSS: see bench/lab-processes.ts.)
// --unlimited gives the labs PostgreSQL's defaults instead of the limits, to see what the limits save.
// Usage: npm run bench:workshop-labs -- [--pool 2] [--acquires 2] [--unlimited]
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import { NODE_NAMES, type NodeName } from "../shared/api-types.ts";
import { loadConfig } from "../server/config.ts";
import type { Lab } from "../server/lab/lab.ts";
import { isPortFree } from "../server/lab/embedded/ports.ts";
import { LocalProvider } from "../server/workshop/provision/local.ts";
import { endWorkshop } from "../server/workshop/end.ts";
import { labMemory, mb } from "./lab-processes.ts";

const { values } = parseArgs({
  options: {
    pool: { type: "string", default: "2" },
    acquires: { type: "string", default: "2" },
    unlimited: { type: "boolean", default: false },
  },
});
const poolSize = Number(values.pool);
const acquires = Number(values.acquires);
/** PostgreSQL 18's own defaults for the settings the provider limits. */
const POSTGRES_DEFAULTS = {
  statement_timeout: "0",
  temp_file_limit: "-1",
  max_connections: "100",
  shared_buffers: "128MB",
  work_mem: "4MB",
};

const dir = await fs.mkdtemp(path.join(os.tmpdir(), "workshop-bench-"));
await fs.chmod(dir, 0o755);
const provider = new LocalProvider({
  workshopDir: dir,
  poolSize,
  maxLabs: poolSize + acquires,
  basePort: await freeBase(),
  config: loadConfig({ LAB_DATA_DIR: dir }),
  ...(values.unlimited && { limits: POSTGRES_DEFAULTS }),
});

try {
  const filling = performance.now();
  await provider.start([]);
  await until(() => provider.status().ready === poolSize);
  const fillSeconds = (performance.now() - filling) / 1000;

  const acquireMs: number[] = [];
  const refillSeconds: number[] = [];
  const labs: { id: string; lab: Lab }[] = [];
  for (let i = 0; i < acquires; i++) {
    await until(() => provider.status().ready === poolSize);
    const started = performance.now();
    labs.push(await provider.acquire());
    acquireMs.push(performance.now() - started);
    await until(() => provider.status().ready === poolSize);
    refillSeconds.push((performance.now() - started) / 1000);
  }

  const measured = labs[0]!;
  await threeSubscriptions(measured.lab);
  // Idle: the initial copies done, the apply workers and walsenders waiting.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const memory = await labMemory(provider.labUser(measured.id));

  const median = (list: number[]) => [...list].sort((x, y) => x - y)[Math.floor(list.length / 2)]!;
  console.log(`warm pool of ${poolSize}, started from empty: ${fillSeconds.toFixed(1)} s`);
  console.log(
    `acquire() from the warm pool: ${acquireMs.map((ms) => ms.toFixed(2)).join(", ")} ms ` +
      `(median ${median(acquireMs).toFixed(2)} ms)`,
  );
  console.log(
    `refill of one lab after an acquire(): ${refillSeconds.map((s) => s.toFixed(1)).join(", ")} s ` +
      `(median ${median(refillSeconds).toFixed(1)} s; acquire() takes ` +
      `${((median(acquireMs) / 1000 / median(refillSeconds)) * 100).toFixed(3)}% of it)`,
  );
  console.log(
    `an idle lab with three subscriptions and ` +
      `${values.unlimited ? "PostgreSQL's defaults" : "the limits"} ` +
      `(${provider.labUser(measured.id)}): ${memory.processes} processes, ` +
      `PSS ${mb(memory.pssKb)}, RSS ${mb(memory.rssKb)} (sum over its processes)`,
  );
} finally {
  await provider.stop();
  // Every lab's folder and OS user go with the bench's workshop, as npm run workshop -- --end removes them.
  await endWorkshop(dir);
  await fs.rm(dir, { recursive: true, force: true });
}

/** master publishes a table; slave1..3 each subscribe to it and receive a row. */
async function threeSubscriptions(lab: Lab): Promise<void> {
  const master = lab.endpoint("master");
  await sql(lab, "master", "CREATE TABLE users (id int PRIMARY KEY, name text)");
  await sql(lab, "master", "CREATE PUBLICATION users_pub FOR TABLE users");
  await sql(lab, "master", "INSERT INTO users VALUES (1, 'first')");
  const conninfo =
    `host=127.0.0.1 port=${master.port} user=${master.user} password=${master.password} ` + `dbname=${master.database}`;
  const followers = NODE_NAMES.filter((name) => name !== "master");
  for (const name of followers) {
    await sql(lab, name, "CREATE TABLE users (id int PRIMARY KEY, name text)");
    await sql(lab, name, `CREATE SUBSCRIPTION ${name}_sub CONNECTION '${conninfo}' PUBLICATION users_pub`);
  }
  for (const name of followers) {
    await until(async () => (await sql(lab, name, "SELECT 1 FROM users")).length === 1);
  }
}

async function sql(lab: Lab, node: NodeName, text: string) {
  const client = new pg.Client(lab.endpoint(node));
  client.on("error", () => {});
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

async function until(test: () => boolean | Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the labs");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function freeBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const checks = await Promise.all(Array.from({ length: 60 }, (_, i) => isPortFree(base + i)));
    if (checks.every(Boolean)) return base;
  }
}
