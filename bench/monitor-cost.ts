// What the live monitor costs a load run on a big table (issue 15): with --rows (default 1,000,000) users on
// master and every follower, the same load run (an outside autocannon process, --requests POST /async-users,
// --concurrency at a time) with the monitor's feed open and without it, alternated over --rounds; the ratio of
// the medians, and whether the monitor's last counts are every node's exact count(*) at the end.
// Run: npm run bench:monitor-cost   (options: --rows N --requests N --concurrency C --rounds R)
import { parseArgs } from "node:util";
import { NODE_NAMES, type MonitorSample } from "../shared/api-types.ts";
import { BENCH_TOKEN } from "./fixture.ts";
import type { LoadLabReady } from "./load-lab.ts";
import { count, outsideClient, sql, startLoadLab, stopLoadLab } from "./load-lab-client.ts";
import { LOAD_OPTIONS, loadRun, median } from "./load-options.ts";
import { treeCpu } from "./process-cpu.ts";

const { values } = parseArgs({
  options: { ...LOAD_OPTIONS, rows: { type: "string", default: "1000000" }, rounds: { type: "string", default: "4" } },
});
const rows = Number(values.rows);
const { requests, concurrency, rounds } = loadRun(values);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every node's count(*) once the followers hold what master holds. */
async function inSync(ready: LoadLabReady): Promise<Record<string, number>> {
  for (;;) {
    const counts = await Promise.all(NODE_NAMES.map((name) => count(ready, ready.ports[name])));
    if (counts.every((n) => n === counts[0]))
      return Object.fromEntries(NODE_NAMES.map((name, i) => [name, counts[i]!]));
    await pause(200);
  }
}

/** The monitor's feed, as lesson 6's page opens it: the latest sample, until closed. */
function openMonitor(ready: LoadLabReady) {
  const controller = new AbortController();
  let latest: MonitorSample | undefined;
  let samples = 0;
  const reading = (async () => {
    const response = await fetch(`${ready.url}/api/monitor?token=${BENCH_TOKEN}`, { signal: controller.signal });
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let match: RegExpExecArray | null;
      while ((match = /event: sample\ndata: (.*)\n\n/.exec(buffer))) {
        latest = JSON.parse(match[1]!) as MonitorSample;
        samples++;
        buffer = buffer.slice(match.index + match[0].length);
      }
    }
  })().catch(() => {});
  return {
    latest: () => latest,
    samples: () => samples,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

async function main() {
  const { ready, child } = await startLoadLab();
  try {
    console.log(`filling users with ${rows} rows on master, then waiting for the followers...`);
    await sql(
      ready,
      ready.master.port,
      `INSERT INTO users (name, email) SELECT 'bulk ' || i, 'bulk-' || i || '@load.example' ` +
        `FROM generate_series(1, ${rows}) AS i`,
    );
    await inSync(ready);
    for (const name of NODE_NAMES) await sql(ready, ready.ports[name], "VACUUM ANALYZE users");
    const without: number[] = [];
    const watched: number[] = [];
    // The lab's CPU (the bridge with its monitor, and the four servers) per request: less noisy than a rate on
    // a machine shared with other work, and it is what the monitor adds that matters.
    const cpuWithout: number[] = [];
    const cpuWatched: number[] = [];
    let sampled = 0;
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first, so that neither always follows the other's replication.
      for (const withMonitor of round % 2 === 0 ? [false, true] : [true, false]) {
        await inSync(ready);
        const monitor = withMonitor ? openMonitor(ready) : undefined;
        if (monitor) while (monitor.samples() === 0) await pause(50);
        const before = await treeCpu(ready.pid);
        const summary = await outsideClient(ready, requests, concurrency);
        const after = await treeCpu(ready.pid);
        if (monitor) sampled += monitor.samples();
        await monitor?.close();
        const perRequest = ((after.own + after.below - before.own - before.below) / requests) * 1e6;
        (withMonitor ? cpuWatched : cpuWithout).push(Math.round(perRequest));
        if (summary.ok !== requests) throw new Error(`${summary.ok} of ${requests} acknowledged`);
        (withMonitor ? watched : without).push(summary.rate);
      }
      console.log(
        `round ${round + 1}: without the monitor ${without.at(-1)}/s (${cpuWithout.at(-1)} µs of the lab's CPU a ` +
          `request), with it ${watched.at(-1)}/s (${cpuWatched.at(-1)} µs)`,
      );
    }
    const exact = await inSync(ready);
    const monitor = openMonitor(ready);
    while (!monitor.latest()) await pause(50);
    const shown = Object.fromEntries(monitor.latest()!.nodes.map((node) => [node.name, node.count]));
    await monitor.close();
    const fmt = (xs: number[]) => xs.join(", ");
    console.log(
      `\n${requests} POST /async-users at concurrency ${concurrency} on a table of ${rows}+ rows, ${rounds} rounds`,
    );
    console.log(`  without the monitor: median ${median(without)}/s   runs ${fmt(without)}`);
    console.log(`  with it open:        median ${median(watched)}/s   runs ${fmt(watched)}   (${sampled} samples)`);
    const pairs = watched.map((rate, i) => rate / without[i]!);
    console.log(
      `  with / without:      ${(median(watched) / median(without)).toFixed(3)} of the medians, ` +
        `${median(pairs).toFixed(3)} the median of each round's ratio   (target >= 0.95)`,
    );
    console.log(
      `  the lab's CPU a request: ${median(cpuWithout)} µs without, ${median(cpuWatched)} µs with it ` +
        `(${(median(cpuWatched) / median(cpuWithout)).toFixed(3)})`,
    );
    const same = NODE_NAMES.every((name) => shown[name] === exact[name]);
    console.log(
      `  counts at the end: count(*) ${JSON.stringify(exact)}; the monitor ${JSON.stringify(shown)}: ` +
        `${same ? "exact" : "DIFFERENT"}`,
    );
  } finally {
    await stopLoadLab(child);
  }
}

await main();
