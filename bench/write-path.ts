// The write path under load, as ratios measured in one run on one lab:
//   1. POST /async-users through the bridge against pgbench doing the same single-row INSERT with the same
//      concurrency on the same master (the target: at least half of pgbench's rate);
//   2. the same load with the live monitor sampling four times a second against without it;
//   3. how long after the last acknowledged write each follower had every row.
// Run: npm run bench:write-path   (options: --requests N --concurrency C --rounds R; defaults 10000, 50, 3)
// Needs pgbench (Debian: apt-get install postgresql; it ships with the server package).
import { FOLLOWERS, type LoadState } from "../shared/api-types.ts";
import { nodeOutcome, verdictHeadline } from "../shared/load-verdict.ts";
import { runLoad } from "../server/load-run/runner.ts";
import { LoadController } from "../server/load-run/controller.ts";
import { FollowerLinks } from "../server/load-run/follower-links.ts";
import { Monitor } from "../server/monitor/monitor.ts";
import { replicateUsers, startLabAndBridge } from "./fixture.ts";
import { loadRunOptions, median } from "./load-options.ts";
import { pgbench as runPgbench } from "./pgbench.ts";

const { requests, concurrency, rounds } = loadRunOptions();

const lab = await startLabAndBridge();
const master = lab.lab.endpoint("master");
await replicateUsers(lab);

async function settle() {
  // Each measurement starts from an empty table with every follower caught up.
  await lab.sql("master", "TRUNCATE users");
  for (;;) {
    const counts = await Promise.all(FOLLOWERS.map((n) => lab.sql(n, "SELECT count(*)::int AS n FROM users")));
    if (counts.every((rows) => rows[0]?.n === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function pgbench(): Promise<number> {
  const sql = "INSERT INTO users (name, email) VALUES ('pgbench user', 'pgbench@load.example');\n";
  return (await runPgbench(master, sql, { requests, concurrency })).tps;
}

async function http(withMonitor: boolean): Promise<number> {
  const monitor = new Monitor(lab.lab);
  const stop = withMonitor ? monitor.watch(() => {}) : () => {};
  try {
    const summary = await runLoad({ url: `${lab.url}/async-users`, requests, concurrency });
    if (summary.ok !== requests)
      throw new Error(`only ${summary.ok} of ${requests} requests succeeded: ${JSON.stringify(summary.errors)}`);
    return summary.rate;
  } finally {
    stop();
    await monitor.close();
  }
}

const pgbenchRates: number[] = [];
const plainRates: number[] = [];
const monitoredRates: number[] = [];
for (let round = 0; round < rounds; round++) {
  await settle();
  pgbenchRates.push(await pgbench());
  await settle();
  plainRates.push(await http(false));
  await settle();
  monitoredRates.push(await http(true));
}

// Catch-up: the product's own load run (child process, verdict) with the monitor open, as a learner sees it.
await settle();
const monitor = new Monitor(lab.lab);
const local = lab.lab.localServers();
const links = new FollowerLinks(lab.lab, local ? (name, lines) => local.logTail(name, lines) : undefined);
const controller = new LoadController(monitor, () => `${lab.url}/async-users`, links);
const stopWatching = monitor.watch(() => {});
const done = new Promise<Extract<LoadState, { phase: "done" }>>((resolve, reject) =>
  controller.on("state", (state) =>
    state.phase === "done" ? resolve(state) : state.phase === "failed" ? reject(new Error(state.error)) : undefined,
  ),
);
controller.start({ requests, concurrency });
const final = await done;
stopWatching();
await Promise.all([monitor.close(), links.close()]);
await lab.stop();

const fmt = (xs: number[]) => xs.map((x) => Math.round(x)).join(", ");
console.log(`${requests} single-row INSERTs at concurrency ${concurrency}, ${rounds} rounds (median)`);
console.log(`  pgbench (baseline):            ${Math.round(median(pgbenchRates))}/s   runs ${fmt(pgbenchRates)}`);
console.log(`  POST /async-users:             ${Math.round(median(plainRates))}/s   runs ${fmt(plainRates)}`);
console.log(`  ... with the monitor sampling: ${Math.round(median(monitoredRates))}/s   runs ${fmt(monitoredRates)}`);
console.log(
  `  write path / pgbench:          ${(median(plainRates) / median(pgbenchRates)).toFixed(2)}  (target >= 0.5)`,
);
console.log(`  with monitor / without:        ${(median(monitoredRates) / median(plainRates)).toFixed(2)}`);
console.log(`load run with the verdict: ${final.summary.rate}/s. ${verdictHeadline(final.verdict)}`);
for (const node of final.verdict.nodes.filter((n) => n.name !== "master"))
  console.log(`  ${node.name} ${nodeOutcome(node)}`);
