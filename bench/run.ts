// Benchmarks, as ratios against a baseline measured in the same run (these machines are noisy):
//   1. lab start: cold (first initdb) and warm (existing data), four nodes in parallel;
//   2. the bridge's round trip for SELECT 1 against a direct pg query on the same node.
// Run: npm run bench   (options: --iterations N, default 2000)
import fs from "node:fs/promises";
import pg from "pg";
import { loadConfig } from "../server/config.ts";
import { EmbeddedLab } from "../server/lab/embedded/index.ts";
import { BENCH_TOKEN, freeBase, labFolder, startLabAndBridge } from "./fixture.ts";

const iterations = Number(process.argv[process.argv.indexOf("--iterations") + 1]) || 2000;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.floor(values.length * p)]!;
const ms = (value: number) => `${value.toFixed(3)} ms`;

async function timeStart(dir: string, base: number): Promise<{ seconds: number; lab: EmbeddedLab }> {
  const lab = new EmbeddedLab(loadConfig({ LAB_DATA_DIR: dir, LAB_PG_PORT: String(base) }));
  const started = performance.now();
  await lab.start();
  return { seconds: (performance.now() - started) / 1000, lab };
}

async function benchStart() {
  const base = await freeBase();
  const cold: number[] = [];
  const warm: number[] = [];
  const dirs: string[] = [];
  for (let run = 0; run < 3; run++) {
    const dir = await labFolder();
    dirs.push(dir);
    const first = await timeStart(dir, base);
    cold.push(first.seconds);
    await first.lab.stop();
    const second = await timeStart(dir, base);
    warm.push(second.seconds);
    await second.lab.stop();
  }
  await Promise.all(dirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
  console.log("lab start, four nodes in parallel (3 runs each)");
  console.log(
    `  cold (initdb + start): median ${median(cold).toFixed(2)} s   runs ${cold.map((s) => s.toFixed(2)).join(", ")}`,
  );
  console.log(
    `  warm (existing data):  median ${median(warm).toFixed(2)} s   runs ${warm.map((s) => s.toFixed(2)).join(", ")}`,
  );
  console.log(`  targets: cold < 6 s, warm < 3 s\n`);
}

async function benchRoundTrip() {
  const { lab, url: base, stop } = await startLabAndBridge();
  const token = BENCH_TOKEN;
  const port = Number(new URL(base).port);
  const client = new pg.Client(lab.endpoint("master"));
  await client.connect();
  const url = `http://127.0.0.1:${port}/api/query`;
  const init = {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ node: "master", sql: "SELECT 1" }),
  };
  const direct: number[] = [];
  const bridged: number[] = [];
  const httpOnly: number[] = [];
  const labUrl = `http://127.0.0.1:${port}/api/lab`;
  const labInit = { headers: { Authorization: `Bearer ${token}` } };
  // Warm both paths up, then alternate them so that the machine's noise falls on both alike.
  for (let i = 0; i < 200; i++) {
    await client.query("SELECT 1");
    await (await fetch(url, init)).json();
  }
  for (let i = 0; i < iterations; i++) {
    let t = performance.now();
    await client.query("SELECT 1");
    direct.push(performance.now() - t);
    t = performance.now();
    const body = (await (await fetch(url, init)).json()) as { results: { rows: string[][] }[] };
    bridged.push(performance.now() - t);
    if (body.results[0]?.rows[0]?.[0] !== "1") throw new Error("the bridge gave a wrong answer");
    t = performance.now();
    await (await fetch(labUrl, labInit)).json();
    httpOnly.push(performance.now() - t);
  }
  await client.end();
  await stop();
  const added = median(bridged) - median(direct);
  console.log(`SELECT 1 on master, ${iterations} each, alternating`);
  console.log(`  direct pg query:      median ${ms(median(direct))}   p95 ${ms(percentile(direct, 0.95))}`);
  console.log(`  through the bridge:   median ${ms(median(bridged))}   p95 ${ms(percentile(bridged, 0.95))}`);
  console.log(
    `  HTTP alone (GET /api/lab, no SQL): median ${ms(median(httpOnly))}, so HTTP is most of what the bridge adds`,
  );
  console.log(
    `  the bridge adds ${ms(added)} at the median (ratio ` +
      `${(median(bridged) / median(direct)).toFixed(2)}x); target < 1 ms`,
  );
}

await benchStart();
await benchRoundTrip();
