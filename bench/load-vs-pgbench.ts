// The load a learner starts, against pgbench doing the same INSERT at the same concurrency on the same master,
// as ratios within one run (issue 15). The lab and its bridge run in a process of their own, as under
// `npm start` (bench/load-lab.ts); each round runs, in turn, from an empty table with every follower caught up:
//   A. pgbench: the INSERT that POST /async-users sends for one user, C clients, N transactions in all; and a
//      plain INSERT ... VALUES, the faster of the two being the baseline;
//   B. an outside HTTP client: autocannon in a process of its own (the engine of a load run, forked from here,
//      not from the bridge), N POST /async-users, C at a time;
//   C. `npm run load`'s path: POST /api/load, the bridge forks the run, while /api/monitor is read as
//      `npm run load` (and lesson 6's page) reads it.
// The rounds alternate (A B C A B C ...) so that the machine's noise falls on all three. After B and C, master
// must hold exactly the acknowledged rows (nothing acknowledged lost, nothing unacknowledged written).
// Run: npm run bench:load   (options: --requests N --concurrency C --rounds R; defaults 10000, 50, 3)
// Needs pgbench on PATH (Debian: apt-get install postgresql-client... pgbench ships in `postgresql`).
import { fileURLToPath } from "node:url";
import { FOLLOWERS, type LoadState, type LoadSummary } from "../shared/api-types.ts";
import { feedMessages } from "../load/monitor-feed.ts";
import { BENCH_TOKEN } from "./fixture.ts";
import type { LoadLabReady } from "./load-lab.ts";
import { count, outsideClient, settle, startLoadLab, stopLoadLab } from "./load-lab-client.ts";
import { loadRunOptions, median } from "./load-options.ts";
import { pgbench as runPgbench } from "./pgbench.ts";
import { treeCpu } from "./process-cpu.ts";

const { requests, concurrency, rounds } = loadRunOptions();

/** pgbench's two scripts: the statement POST /async-users sends, for one user; and the plain INSERT a person would
 * write (the walkthrough's), cheaper for the server to parse and plan. The faster of the two is the baseline. */
const PGBENCH_SCRIPTS = {
  unnest:
    "INSERT INTO users (name, email) SELECT n, e FROM unnest(ARRAY['pgbench user']::text[], " +
    "ARRAY['pgbench-' || :client_id || '-' || random() || '@load.example']::text[]) WITH ORDINALITY AS t(n, e, i) " +
    "ORDER BY i RETURNING id;\n",
  values:
    "INSERT INTO users (name, email) VALUES ('pgbench user', 'pgbench-' || :client_id || '-' || random() || " +
    "'@load.example') RETURNING id;\n",
};

/** A: pgbench, one of the scripts above, at the same concurrency. */
async function pgbench(ready: LoadLabReady, sql: string): Promise<number> {
  const { tps, transactions } = await runPgbench(ready.master, sql, { requests, concurrency });
  const written = await count(ready, ready.master.port);
  if (written !== transactions) throw new Error(`pgbench wrote ${written} rows`);
  return tps;
}

/** C: what `npm run load` does: POST /api/load, then follow /api/monitor until the run is done. */
async function loadCommand(ready: LoadLabReady): Promise<LoadSummary> {
  const headers = { Authorization: `Bearer ${BENCH_TOKEN}`, "Content-Type": "application/json" };
  const feed = await fetch(`${ready.url}/api/monitor?token=${BENCH_TOKEN}`);
  const started = await fetch(`${ready.url}/api/load`, {
    method: "POST",
    headers,
    body: JSON.stringify({ requests, concurrency }),
  });
  if (!started.ok) throw new Error(`the lab refused the run: ${await started.text()}`);
  // The feed opens with the current state, which is the previous run's until this one starts.
  let thisRun = false;
  for await (const { type, data } of feedMessages(feed)) {
    if (type !== "load") continue;
    const state = data as LoadState;
    if (state.phase === "running") thisRun = true;
    if (!thisRun) continue;
    if (state.phase === "failed") throw new Error(state.error);
    if (state.phase === "done") return state.summary;
  }
  throw new Error("the monitor feed ended before the run was done");
}

/** CPU seconds so far: the bridge's process, the lab's PostgreSQL servers below it, and this process's clients. */
async function cpu(ready: LoadLabReady) {
  const [lab, self] = await Promise.all([treeCpu(ready.pid), treeCpu(process.pid)]);
  return { bridge: lab.own, postgres: lab.below, client: self.below - lab.own - lab.below };
}
type Cpu = Awaited<ReturnType<typeof cpu>>;

/** Waits until every follower has master's rows: the work a write causes includes its replication. */
async function caughtUp(ready: LoadLabReady, followerPorts: number[]): Promise<void> {
  const target = await count(ready, ready.master.port);
  while ((await Promise.all(followerPorts.map((port) => count(ready, port)))).some((n) => n !== target))
    await new Promise((resolve) => setTimeout(resolve, 50));
}

/** One measurement: its rate and the CPU each part used per request, replication included. */
async function measure(ready: LoadLabReady, followerPorts: number[], phase: () => Promise<number>) {
  await settle(ready, followerPorts);
  const before = await cpu(ready);
  const rate = await phase();
  await caughtUp(ready, followerPorts);
  const after = await cpu(ready);
  const perRequest = Object.fromEntries(
    Object.keys(before).map((key) => [key, ((after[key as keyof Cpu] - before[key as keyof Cpu]) / requests) * 1e6]),
  ) as Cpu;
  return { rate, perRequest };
}

async function checked(ready: LoadLabReady, summary: LoadSummary): Promise<number> {
  const written = await count(ready, ready.master.port);
  if (summary.ok !== requests || written !== summary.ok)
    throw new Error(`${summary.ok} of ${requests} acknowledged, ${written} rows on master: ${JSON.stringify(summary)}`);
  return summary.rate;
}

const PHASES = ["pgbench", "pgbenchValues", "outside", "load"] as const;
type Phase = (typeof PHASES)[number];
const LABELS: Record<Phase, string> = {
  pgbench: "pgbench, the bridge's INSERT",
  pgbenchValues: "pgbench, INSERT ... VALUES",
  outside: "outside client (autocannon)",
  load: "npm run load's path",
};

async function main() {
  const { ready, child } = await startLoadLab();
  try {
    const followerPorts = FOLLOWERS.map((name) => ready.ports[name]);
    const results = Object.fromEntries(PHASES.map((name) => [name, [] as number[]])) as Record<Phase, number[]>;
    const costs = Object.fromEntries(PHASES.map((name) => [name, [] as Cpu[]])) as Record<Phase, Cpu[]>;
    const phases: Record<Phase, () => Promise<number>> = {
      pgbench: () => pgbench(ready, PGBENCH_SCRIPTS.unnest),
      pgbenchValues: () => pgbench(ready, PGBENCH_SCRIPTS.values),
      outside: async () => checked(ready, await outsideClient(ready, requests, concurrency)),
      load: async () => checked(ready, await loadCommand(ready)),
    };
    for (let round = 0; round < rounds; round++) {
      for (const name of PHASES) {
        const { rate, perRequest } = await measure(ready, followerPorts, phases[name]);
        results[name].push(rate);
        costs[name].push(perRequest);
      }
      console.log(
        `round ${round + 1}: ${PHASES.map((name) => `${name} ${Math.round(results[name].at(-1)!)}/s`).join(", ")}`,
      );
    }
    // The stricter baseline: whichever pgbench script ran faster.
    const base = Math.max(median(results.pgbench), median(results.pgbenchValues));
    const fmt = (xs: number[]) => xs.map((x) => Math.round(x)).join(", ");
    console.log(
      `\n${requests} INSERTs of one user at concurrency ${concurrency}, ${rounds} rounds, median; ` +
        `baseline: the faster pgbench (target >= 0.7x)`,
    );
    for (const name of PHASES) {
      const xs = results[name];
      console.log(
        `  ${LABELS[name].padEnd(30)} ${String(Math.round(median(xs))).padStart(6)}/s  ` +
          `${(median(xs) / base).toFixed(2)}x   runs ${fmt(xs)}`,
      );
    }
    console.log("  every acknowledged write was on master after each HTTP run, and no other row");
    console.log("\nCPU per request, microseconds (median; replication to the three followers included)");
    console.log("  the client (pgbench or autocannon) / the bridge's process / PostgreSQL's four servers");
    for (const name of PHASES) {
      const part = (key: keyof Cpu) => Math.round(median(costs[name].map((c) => c[key])));
      const total = part("client") + part("bridge") + part("postgres");
      console.log(`  ${name.padEnd(14)} ${part("client")} / ${part("bridge")} / ${part("postgres")}   total ${total}`);
    }
    console.log("  (npm run load's autocannon runs below the bridge: its CPU is in PostgreSQL's column there)");
  } finally {
    await stopLoadLab(child);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
