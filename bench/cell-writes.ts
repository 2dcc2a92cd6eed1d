// npm run bench:cell-writes: what corking a cell's protocol messages saves. A cell is sent with the extended
// protocol (server/db/capped-query.ts: Parse, Bind, Describe, Execute, Sync); pg writes each message as it is made,
// so uncorked that is five writes to the socket and as many wake-ups of the server's backend. This runs SELECT 1
// on one lab's master, corked (the bridge's CappedQuery) and uncorked (the same messages written one by one),
// alternating in rounds in one process, and reports wall time and this process's CPU per query, and their ratios.
// Usage: npm run bench:cell-writes -- [--queries 3000]
import { parseArgs } from "node:util";
import pg from "pg";
import { CappedQuery, runCapped, type CapOptions } from "../server/db/capped-query.ts";
import { protocolOf } from "../server/db/pg-internals.ts";
import { startLabAndBridge } from "./fixture.ts";

const { values } = parseArgs({ options: { queries: { type: "string", default: "3000" } } });
const queries = Number(values.queries);
const ROUNDS = 10;
const options: CapOptions = { limit: 1000, maxChars: 1_000_000, copyInRefusal: "no COPY FROM STDIN here" };

/** The bridge's query as it was: the same messages, each its own write. */
class Uncorked extends CappedQuery {
  override submit(connection: pg.Connection): void {
    const wire = protocolOf(connection);
    wire.parse({ text: this.text });
    wire.bind({ portal: "", values: [] });
    wire.describe({ type: "P", name: "" });
    wire.execute({ portal: "", rows: options.limit + 1 });
    wire.sync();
  }
}

const started = await startLabAndBridge();
const client = new pg.Client(started.lab.endpoint("master"));
try {
  await client.connect();
  const kinds = {
    corked: () => runCapped(client, "SELECT 1", options).done,
    uncorked: () => {
      const query = new Uncorked("SELECT 1", options);
      void client.query(query);
      return query.done;
    },
  };
  const totals = { corked: { wallMs: 0, cpuMs: 0 }, uncorked: { wallMs: 0, cpuMs: 0 } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of ["corked", "uncorked"] as const) {
      const cpu = process.cpuUsage();
      const wall = performance.now();
      for (let i = 0; i < queries / ROUNDS; i++) await kinds[kind]();
      const used = process.cpuUsage(cpu);
      totals[kind].wallMs += performance.now() - wall;
      totals[kind].cpuMs += (used.user + used.system) / 1000;
    }
  }
  for (const [kind, total] of Object.entries(totals)) {
    console.log(
      `${kind.padEnd(8)} ${(total.wallMs / queries).toFixed(3)} ms a query, ` +
        `${(total.cpuMs / queries).toFixed(3)} ms of this process's CPU`,
    );
  }
  console.log(
    `corked / uncorked: wall ${(totals.corked.wallMs / totals.uncorked.wallMs).toFixed(2)}, ` +
      `CPU ${(totals.corked.cpuMs / totals.uncorked.cpuMs).toFixed(2)}`,
  );
} finally {
  await client.end().catch(() => {});
  await started.stop();
}
