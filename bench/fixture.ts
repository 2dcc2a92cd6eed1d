import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { NodeName } from "../shared/api-types.ts";
import { createApp } from "../server/app.ts";
import { loadConfig } from "../server/config.ts";
import { EmbeddedLab } from "../server/lab/embedded/index.ts";
import { nextFreePort } from "../server/lab/embedded/ports.ts";
import { listen } from "../server/listen.ts";

export const BENCH_TOKEN = "bench-token-0123456789";

export async function labFolder(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "lab-bench-"));
  await fs.chmod(dir, 0o755);
  return dir;
}

export async function freeBase(): Promise<number> {
  return nextFreePort(30_000 + Math.floor(Math.random() * 20_000), new Set());
}

/** A fresh lab and a bridge in front of it, in a temp folder, as the benchmarks need them. */
export async function startLabAndBridge() {
  const dir = await labFolder();
  const config = loadConfig({
    LAB_DATA_DIR: dir,
    LAB_PG_PORT: String(await freeBase()),
    LAB_TOKEN: BENCH_TOKEN,
    PORT: "0",
  });
  const lab = new EmbeddedLab(config);
  await lab.start();
  let port = 0;
  const bridge = createApp({ ...config, lab, port: () => port });
  const listening = await listen(bridge.handler, 0, bridge.upgrade);
  port = listening.port;
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
    listening.server.closeAllConnections();
    await new Promise((resolve) => listening.server.close(resolve));
    await bridge.close();
    await lab.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
  return { lab, bridge, port, url: `http://127.0.0.1:${port}`, sql, stop };
}
