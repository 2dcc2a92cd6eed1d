// npm run load -- --requests 10000 --concurrency 50
// Asks the running lab's bridge to fire the load (the same engine the lesson page's button uses), shows a
// progress bar with the four nodes' counts, then a k6-style summary and the verdict: nothing lost.
import path from "node:path";
import { parseArgs } from "node:util";
import type { LoadState, LoadSummary, LoadVerdict, MonitorSample } from "../shared/api-types.ts";
import { nodeOutcome, verdictHeadline, verdictNote } from "../shared/load-verdict.ts";
import { loadConfig, PROJECT_ROOT } from "../server/config.ts";
import { findLab } from "./find-lab.ts";
import { feedMessages } from "./monitor-feed.ts";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "50" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(
    "npm run load -- [--requests N] [--concurrency C]\nFires N POST /async-users at the running lab, C at a time.",
  );
  process.exit(0);
}

const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};

const config = loadConfig();
const found = await findLab(config.dataDir, config.dataDirExplicit, PROJECT_ROOT);
if (found.kind === "several") {
  fail(
    `Several labs of this checkout are running; say which: ` +
      `${found.dataDirs.map((dir) => `LAB_DATA_DIR=${dir} npm run load`).join(" or ")}`,
  );
}
if (found.kind === "none") {
  fail(
    `No running lab found (${found.why}). Start it first: npm start` +
      (config.dataDirExplicit
        ? ""
        : ". A lab started with LAB_DATA_DIR is found while its npm start runs, or give the same LAB_DATA_DIR here."),
  );
}
const { bridge, dataDir, elsewhere } = found as Extract<typeof found, { kind: "running" }>;
if (elsewhere)
  console.log(
    `Using the lab whose data is in ${path.relative(process.cwd(), dataDir) || "."} (started with LAB_DATA_DIR).`,
  );
const headers = { Authorization: `Bearer ${bridge.token}`, "Content-Type": "application/json" };

const started = await fetch(`${bridge.url}/api/load`, {
  method: "POST",
  headers,
  body: JSON.stringify({ requests: Number(values.requests), concurrency: Number(values.concurrency) }),
}).catch(() => fail(`The lab at ${bridge.url} does not answer. Is npm start still running?`));
if (!started.ok)
  fail(`The lab refused the run: ${((await started.json()) as { error: { message: string } }).error.message}`);
process.on("SIGINT", () => {
  void fetch(`${bridge.url}/api/load/stop`, { method: "POST", headers, body: "{}" }).finally(() => process.exit(130));
});

const tty = process.stdout.isTTY;
let counts = "";
let lastLine = 0;

function bar(done: number, total: number, width = 30): string {
  const filled = Math.round((done / Math.max(total, 1)) * width);
  return `[${"=".repeat(Math.max(0, filled - 1))}${filled > 0 ? ">" : ""}${" ".repeat(width - filled)}]`;
}

function showProgress(state: Extract<LoadState, { phase: "running" }>, final = false) {
  const { done, total, rate, errors } = state.progress;
  const line =
    `${bar(done, total)} ${String(Math.round((done / total) * 100)).padStart(3)}%  ${done}/${total}  ` +
    `${rate} req/s  errors ${errors}  ${counts}`;
  if (tty)
    process.stdout.write(
      `\r${line.padEnd(process.stdout.columns ?? 120).slice(0, (process.stdout.columns ?? 120) - 1)}`,
    );
  else if (final || Date.now() - lastLine > 1000) {
    lastLine = Date.now();
    console.log(line);
  }
}

const ms = (value: number) => `${value.toFixed(2)}ms`;
function printSummary(summary: LoadSummary) {
  const failed = summary.requests - summary.ok;
  const row = (name: string, value: string) => console.log(`     ${name.padEnd(24, ".")}: ${value}`);
  console.log("");
  row("http_reqs", `${summary.requests}  ${summary.rate}/s`);
  const l = summary.latencyMs;
  row(
    "http_req_duration",
    `avg=${ms(l.avg)} p(50)=${ms(l.p50)} p(95)=${ms(l.p95)} p(99)=${ms(l.p99)} max=${ms(l.max)}`,
  );
  row(
    "http_req_failed",
    `${((failed / Math.max(summary.requests, 1)) * 100).toFixed(2)}%  ${failed} out of ${summary.requests}`,
  );
  const kinds = Object.entries(summary.errors).map(([kind, n]) => `${kind}: ${n}`);
  row("errors by kind", kinds.length ? kinds.join(", ") : "none");
  if (summary.unknown > 0) row("outcome unknown", `${summary.unknown} (answer lost after the INSERT was sent)`);
  row("duration", `${(summary.durationMs / 1000).toFixed(2)}s`);
}

function printVerdict(verdict: LoadVerdict) {
  console.log("");
  console.log(`  ${verdictHeadline(verdict)}`);
  const note = verdictNote(verdict);
  if (note) console.log(`  ${note}`);
  for (const node of verdict.nodes) {
    const gained = node.gained === null ? "no count" : `+${node.gained}`;
    const when = nodeOutcome(node);
    console.log(`    ${node.name.padEnd(7)} ${gained.padStart(8)}   ${when}`);
  }
}

const response = await fetch(`${bridge.url}/api/monitor?token=${encodeURIComponent(bridge.token)}`);
let announced = false;
for await (const { type, data } of feedMessages(response)) {
  if (type === "sample") {
    counts = (data as MonitorSample).nodes.map((n) => `${n.name} ${n.count ?? "—"}`).join("  ");
  } else if (type === "load") {
    const state = data as LoadState;
    if (state.phase === "running") {
      if (!announced) {
        announced = true;
        console.log(
          `POST ${bridge.url}/async-users: ${state.request.requests} requests, ${state.request.concurrency} at ` +
            `a time`,
        );
      }
      showProgress(state);
    } else if (state.phase === "verifying" && announced) {
      // The last progress line, whole: in a log (no terminal) lines are printed once a second at most.
      const { summary, request } = state;
      const rate = summary.rate;
      showProgress(
        {
          phase: "running",
          request,
          startedAt: 0,
          progress: {
            done: summary.requests,
            total: request.requests,
            ok: summary.ok,
            errors: summary.requests - summary.ok,
            rate,
          },
        },
        true,
      );
      if (tty) process.stdout.write("\n");
      printSummary(state.summary);
      console.log("\n  checking every node...");
    } else if (state.phase === "done" && announced) {
      printVerdict(state.verdict);
      process.exit(state.verdict.outcome === "replicated" && state.summary.ok === state.summary.requests ? 0 : 1);
    } else if (state.phase === "failed" && announced) {
      fail(`\nThe run failed: ${state.error}`);
    }
  }
}
