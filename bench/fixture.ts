// The benchmarks' lab: a fresh one and the bridge in front of it (server/start-lab.ts), in a temp folder.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { FOLLOWERS, NODE_NAMES, type NodeName } from "../shared/api-types.ts";
import { loadConfig } from "../server/config.ts";
import { nextFreePort } from "../server/lab/embedded/ports.ts";
import { startLab } from "../server/start-lab.ts";

export const BENCH_TOKEN = "bench-token-0123456789";

export async function labFolder(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "lab-bench-"));
  await fs.chmod(dir, 0o755);
  return dir;
}

export async function freeBase(): Promise<number> {
  return nextFreePort(30_000 + Math.floor(Math.random() * 20_000), new Set());
}

/** A fresh embedded lab and a bridge in front of it, in a temp folder, as the benchmarks need them. */
export async function startLabAndBridge() {
  const dir = await labFolder();
  const config = loadConfig({
    LAB_DATA_DIR: dir,
    LAB_PG_PORT: String(await freeBase()),
    LAB_TOKEN: BENCH_TOKEN,
    PORT: "0",
  });
  const started = await startLab(config).catch(async (error) => {
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  });
  const { lab } = started;
  const sql = async (node: NodeName, text: string) => {
    const client = new pg.Client(lab.endpoint(node));
    await client.connect();
    try {
      return (await client.query(text)).rows;
    } finally {
      await client.end();
    }
  };
  const stop = async () => {
    await started.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
  return { ...started, sql, stop };
}

export type BenchLab = Awaited<ReturnType<typeof startLabAndBridge>>;

/** Lesson 6's lab, which the load benchmarks write to: users on every node, userpub on master, a subscription on
 * each follower. */
export async function replicateUsers(lab: BenchLab): Promise<void> {
  for (const node of NODE_NAMES) {
    await lab.sql(
      node,
      "CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL, " +
        "created_at timestamptz NOT NULL DEFAULT now())",
    );
  }
  await lab.sql("master", "CREATE PUBLICATION userpub FOR TABLE users");
  for (const node of FOLLOWERS) {
    await lab.sql(
      node,
      `CREATE SUBSCRIPTION sub_${node} CONNECTION '${lab.lab.node("master").conninfo}' PUBLICATION userpub`,
    );
  }
}
