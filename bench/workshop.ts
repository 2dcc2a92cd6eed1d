// npm run bench:workshop -- --attendees 20 (as root, as the hub runs): workshop mode under a class's load.
// Starts the hub (server/workshop/serve.ts, the local provider) with a warm pool of one lab per attendee, waits
// until the pool is full, then N simulated attendees (HTTP clients in a process of their own,
// bench/workshop-attendees.ts, each with its own session cookie and CSRF token, as a browser has them) join at the
// same time and replay lessons 3 to 5 through the hub, every cell as the page runs it (shared/lessons/replay.ts,
// re-run until its expectation holds). It reports:
//   join-to-ready: from the join POST until the attendee's lab answers (GET /api/lab with its four nodes up and
//                  a first cell on master), p50/p95;
//   cell latency:  each POST /api/query through the hub under that load, p50/p95/max;
//   memory:        PSS and RSS of each lab's processes after the replay (bench/lab-processes.ts), and the hub's;
//   CPU:           each lab's CPU seconds during the replay, and per lab when idle afterwards; the hub's, and the
//                  simulated attendees' (which a real class spends on its own machines);
//   expectations:  whether every step of every attendee met its expectation;
//   event-to-grid: from an attendee's progress report (POST /workshop/progress) until a simulated instructor's
//                  room feed delivers a grid that includes it (bench/workshop-instructor.ts), p50/p95/max;
// and checks them against issue 13's goals. Performance is reported, never asserted by the test suite.
// Usage: npm run bench:workshop -- [--attendees 20] [--idle-seconds 10] [--setting name=value ...]
//        [--profile FILE.cpuprofile] [--json]
import { fork } from "node:child_process";
import fs from "node:fs/promises";
import { Session } from "node:inspector";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadConfig } from "../server/config.ts";
import { isPortFree } from "../server/lab/embedded/ports.ts";
import { existingLabIds } from "../server/workshop/provision/lab-folder.ts";
import { endWorkshop } from "../server/workshop/end.ts";
import { LocalProvider, PORTS_PER_LAB } from "../server/workshop/provision/local.ts";
import { serveHub } from "../server/workshop/serve.ts";
import { cpuByKind, cpuSeconds, cpuSpent, labMemory, mb, type LabMemory } from "./lab-processes.ts";
import type { AttendeesResult, AttendeesTask, Outcome } from "./workshop-attendees.ts";
import type { InstructorResult, InstructorTask } from "./workshop-instructor.ts";

const GOALS = { cellP95Ms: 300, joinP95Ms: 1000, labPssMb: 150, eventToGridP95Ms: 1000 };

const { values } = parseArgs({
  options: {
    attendees: { type: "string", default: "20" },
    "idle-seconds": { type: "string", default: "10" },
    json: { type: "boolean", default: false },
    // A server setting for every lab over the provider's limits, to measure its effect: --setting fsync=off.
    setting: { type: "string", multiple: true, default: [] },
    // Where to write the hub's CPU profile of the replay alone (a .cpuprofile for Chrome's DevTools).
    profile: { type: "string" },
  },
});
const attendees = Number(values.attendees);
if (!Number.isInteger(attendees) || attendees < 1 || attendees > 200) {
  throw new Error(`--attendees takes a whole number from 1 to 200; it is "${values.attendees}".`);
}
const idleSeconds = Number(values["idle-seconds"]);
const settings = Object.fromEntries(
  values.setting.map((pair) => {
    const at = pair.indexOf("=");
    if (at < 1) throw new Error(`--setting takes name=value; it is "${pair}".`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);

const config = loadConfig();
// A workshop folder the labs' users can pass through to (mkdtemp makes it 0700).
const dir = await fs.mkdtemp(path.join(os.tmpdir(), "workshop-bench-"));
await fs.chmod(dir, 0o755);
const notes: string[] = [];
const provider = new LocalProvider({
  workshopDir: dir,
  poolSize: attendees,
  maxLabs: attendees,
  basePort: await freeBase(PORTS_PER_LAB * attendees),
  config: loadConfig({ LAB_DATA_DIR: dir }),
  limits: settings,
  // A pool lab that fails to start is dropped and only refilled by the next acquire(): say why, and stop waiting.
  note: (text) => notes.push(text),
});

const log = (line: string) => {
  if (!values.json) console.log(line);
};

const hub = await serveHub({
  workshopDir: dir,
  provider,
  listenAddress: "127.0.0.1",
  port: 0,
  publicHosts: ["127.0.0.1"],
  siteDir: config.siteDir,
  statementTimeoutMs: config.statementTimeoutMs,
  rowLimit: config.rowLimit,
  joinCodeMinutes: 60,
  note: (text) => log(`  note: ${text}`),
});
const origin = `http://127.0.0.1:${hub.port}`;

try {
  const filling = performance.now();
  await until(() => {
    const { ready, starting } = provider.status();
    if (ready + starting < attendees) {
      throw new Error(`the warm pool of ${attendees} labs could not be started:\n  ${notes.join("\n  ")}`);
    }
    return ready === attendees;
  }, 30 * 60_000);
  const fillSeconds = (performance.now() - filling) / 1000;
  log(`warm pool of ${attendees} labs started in ${fillSeconds.toFixed(1)} s; ${attendees} attendees join now`);

  // Each pool lab's CPU so far (its start), by kind of process, so that the replay's is told apart.
  const cpuBefore = new Map(
    await Promise.all(
      (await existingLabIds(dir)).map(async (id) => [id, await cpuByKind(provider.labUser(id))] as const),
    ),
  );
  const hubCpuBefore = process.cpuUsage();
  const profiler = values.profile ? await startProfile() : undefined;
  const instructor = await watchRoom({ origin, passphrase: hub.passphrase });
  const {
    outcomes,
    replaySeconds,
    cpuSeconds: attendeesCpuSeconds,
  } = await runAttendees({
    origin,
    joinCode: hub.joinCode,
    attendees,
  });
  const hubCpu = process.cpuUsage(hubCpuBefore);
  const room = await instructor.stop(Math.max(0, ...outcomes.flatMap((o) => o.events.map((e) => e.id))));
  if (profiler && values.profile) await fs.writeFile(values.profile, JSON.stringify(await profiler()));
  const replaySpent = await Promise.all(
    outcomes.map(async (outcome) =>
      cpuSpent(cpuBefore.get(outcome.lab) ?? new Map(), await cpuByKind(provider.labUser(outcome.lab))),
    ),
  );
  const replayCpu = replaySpent.map((spent) => sum(spent.map(([, seconds]) => seconds)));
  const replayCpuByKind = new Map<string, number>();
  for (const [kind, seconds] of replaySpent.flat())
    replayCpuByKind.set(kind, (replayCpuByKind.get(kind) ?? 0) + seconds);

  const memory = await Promise.all(outcomes.map((outcome) => labMemory(provider.labUser(outcome.lab))));
  const idleBefore = await Promise.all(outcomes.map((outcome) => cpuSeconds(provider.labUser(outcome.lab))));
  await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
  const idleAfter = await Promise.all(outcomes.map((outcome) => cpuSeconds(provider.labUser(outcome.lab))));
  const idleCpuPercent = idleAfter.map((after, i) => ((after - idleBefore[i]!) / idleSeconds) * 100);
  const idleMemory = await Promise.all(outcomes.map((outcome) => labMemory(provider.labUser(outcome.lab))));
  const hubRssKb = process.memoryUsage().rss / 1024;

  report({
    fillSeconds,
    replaySeconds,
    outcomes,
    memory,
    idleMemory,
    replayCpu,
    replayCpuByKind,
    idleCpuPercent,
    hubRssKb,
    hubCpu,
    attendeesCpuSeconds,
    eventToGridMs: eventToGrid(outcomes, room),
  });
} finally {
  await hub.close();
  // Every lab's folder and OS user, and the hub's, go with the bench's workshop, as npm run workshop -- --end does.
  await endWorkshop(dir);
  await fs.rm(dir, { recursive: true, force: true });
}

/** Starts the CPU profiler on this process (the hub's); the function it gives stops it and gives the profile. */
async function startProfile(): Promise<() => Promise<object>> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 500 });
  await post("Profiler.start");
  return async () => {
    const { profile } = (await post("Profiler.stop")) as { profile: object };
    session.disconnect();
    return profile;
  };
}

/**
 * The simulated instructor (workshop-instructor.ts) in a process of its own, on the room's feed from before the
 * attendees join; `stop` waits until the feed has shown the last event (or 10 s) and gives what it saw.
 */
async function watchRoom(task: InstructorTask): Promise<{ stop: (lastId: number) => Promise<InstructorResult> }> {
  const child = fork(fileURLToPath(new URL("./workshop-instructor.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const result = new Promise<InstructorResult>((resolve, reject) => {
    child.on("message", (message) => {
      const grids = (message as Partial<InstructorResult>).grids;
      if (grids) resolve(message as InstructorResult);
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the instructor's process ended (${code}) without a result`)));
  });
  await new Promise<void>((resolve, reject) => {
    child.on("message", (message) => {
      if ((message as { ready?: boolean }).ready) resolve();
    });
    result.then((early) => reject(new Error(`the instructor could not watch the room: ${early.error}`)), reject);
    child.send(task);
  });
  return {
    stop: async (lastId) => {
      const cookie = instructorCookie(task);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && (await latestThrough(task, cookie)) < lastId) await sleep(100);
      await sleep(500);
      child.send("stop");
      return result;
    },
  };
}

/** Up to which event the room's grid is, as the instructor's API answers it now (0 on any failure). */
async function latestThrough(task: InstructorTask, cookie: Promise<string>): Promise<number> {
  return cookie
    .then((value) =>
      fetch(`${task.origin}/workshop/instructor/grid`, { headers: { Origin: task.origin, Cookie: value } }),
    )
    .then(async (response) => ((await response.json()) as { through?: number }).through ?? 0)
    .catch(() => 0);
}

/** The instructor's session cookie, for the bench's own look at the grid (not the watching instructor's). */
function instructorCookie(task: InstructorTask): Promise<string> {
  return fetch(`${task.origin}/workshop/instructor/login`, {
    method: "POST",
    headers: { Origin: task.origin, "Content-Type": "application/json" },
    body: JSON.stringify({ passphrase: task.passphrase }),
  }).then((response) => (response.headers.getSetCookie()[0] ?? "").split(";")[0]!);
}

/** Each reported event's delay until the first grid that included it; an event no grid showed is NaN. */
function eventToGrid(
  outcomes: Outcome[],
  room: InstructorResult,
): { delays: number[]; unseen: number; error?: string } {
  const grids = [...room.grids].sort((a, b) => a.at - b.at);
  const delays: number[] = [];
  let unseen = 0;
  for (const event of outcomes.flatMap((outcome) => outcome.events)) {
    const first = grids.find((grid) => grid.through >= event.id && grid.at >= event.sentAt);
    if (first) delays.push(first.at - event.sentAt);
    else unseen++;
  }
  return { delays, unseen, ...(room.error ? { error: room.error } : {}) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs the simulated attendees in a process of their own (workshop-attendees.ts says why) and gives their outcomes. */
function runAttendees(task: AttendeesTask): Promise<AttendeesResult> {
  const child = fork(fileURLToPath(new URL("./workshop-attendees.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    let result: AttendeesResult | undefined;
    child.once("message", (message) => (result = message as AttendeesResult));
    child.once("error", reject);
    child.once("exit", (code) =>
      result ? resolve(result) : reject(new Error(`the attendees' process ended (${code}) without a result`)),
    );
    child.send(task);
  });
}

interface Measured {
  fillSeconds: number;
  replaySeconds: number;
  outcomes: Outcome[];
  memory: LabMemory[];
  /** The same, after the idle seconds. */
  idleMemory: LabMemory[];
  replayCpu: number[];
  /** Every lab's CPU seconds during the replay, summed by kind of process. */
  replayCpuByKind: Map<string, number>;
  idleCpuPercent: number[];
  hubRssKb: number;
  hubCpu: NodeJS.CpuUsage;
  attendeesCpuSeconds: number;
  eventToGridMs: { delays: number[]; unseen: number; error?: string };
}

function report(measured: Measured): void {
  const { outcomes, memory } = measured;
  const joins = outcomes.map((outcome) => outcome.joinMs);
  const cells = outcomes.flatMap((outcome) => outcome.cellMs);
  const missed = outcomes.flatMap((outcome) => outcome.missed);
  const steps = outcomes.reduce((sum, outcome) => sum + outcome.steps, 0);
  const pss = memory.map((lab) => lab.pssKb);
  const rss = memory.map((lab) => lab.rssKb);
  const summary = {
    attendees,
    cores: os.cpus().length,
    /** The machine's load average (1, 5, 15 minutes) at the end: other work shares the cores. */
    loadAverage: os.loadavg().map(round),
    poolFillSeconds: round(measured.fillSeconds),
    replaySeconds: round(measured.replaySeconds),
    joinToReadyMs: {
      p50: round(quantile(joins, 0.5)),
      p95: round(quantile(joins, 0.95)),
      max: round(Math.max(...joins)),
    },
    cellMs: {
      count: cells.length,
      p50: round(quantile(cells, 0.5)),
      p95: round(quantile(cells, 0.95)),
      max: round(Math.max(...cells)),
    },
    labPssMb: { median: round(quantile(pss, 0.5) / 1024), max: round(Math.max(...pss) / 1024) },
    labRssMb: { median: round(quantile(rss, 0.5) / 1024), max: round(Math.max(...rss) / 1024) },
    idleLabPssMb: {
      median: round(
        quantile(
          measured.idleMemory.map((lab) => lab.pssKb),
          0.5,
        ) / 1024,
      ),
      max: round(Math.max(...measured.idleMemory.map((lab) => lab.pssKb)) / 1024),
      processes: quantile(
        measured.idleMemory.map((lab) => lab.processes),
        0.5,
      ),
    },
    labsPssTotalMb: round(sum(pss) / 1024),
    labsRssTotalMb: round(sum(rss) / 1024),
    processesPerLab: quantile(
      memory.map((lab) => lab.processes),
      0.5,
    ),
    hubRssMb: round(measured.hubRssKb / 1024),
    hubCpuSeconds: round((measured.hubCpu.user + measured.hubCpu.system) / 1e6),
    attendeesCpuSeconds: round(measured.attendeesCpuSeconds),
    labCpuSecondsDuringReplay: {
      median: round(quantile(measured.replayCpu, 0.5)),
      total: round(sum(measured.replayCpu)),
      byKind: Object.fromEntries(
        [...measured.replayCpuByKind]
          .filter(([, seconds]) => seconds > 0)
          .sort((a, b) => b[1] - a[1])
          .map(([kind, seconds]) => [kind, round(seconds)]),
      ),
    },
    labIdleCpuPercent: { median: round(quantile(measured.idleCpuPercent, 0.5)) },
    joinPartsMsP50: [0, 1, 2].map((part) =>
      round(
        quantile(
          outcomes.map((outcome) => outcome.partsMs[part]!),
          0.5,
        ),
      ),
    ),
    slowestCells: slowest(outcomes.flatMap((outcome) => outcome.timedCells)),
    eventToGridMs: {
      count: measured.eventToGridMs.delays.length,
      unseen: measured.eventToGridMs.unseen,
      p50: round(quantile(measured.eventToGridMs.delays, 0.5)),
      p95: round(quantile(measured.eventToGridMs.delays, 0.95)),
      max: round(Math.max(...measured.eventToGridMs.delays)),
    },
    steps,
    missed: missed.length,
  };
  const goals = {
    everyExpectationMet: missed.length === 0,
    cellP95: summary.cellMs.p95 < GOALS.cellP95Ms,
    joinP95: summary.joinToReadyMs.p95 < GOALS.joinP95Ms,
    labUnder150Mb: summary.labPssMb.max < GOALS.labPssMb,
    eventToGridP95: summary.eventToGridMs.unseen === 0 && summary.eventToGridMs.p95 < GOALS.eventToGridP95Ms,
  };
  const met = Object.values(goals).every(Boolean);
  if (values.json) {
    console.log(JSON.stringify({ ...summary, goals, met, missedSteps: missed.slice(0, 10) }));
    return;
  }
  const yes = (ok: boolean) => (ok ? "yes" : "NO");
  log(
    `${attendees} attendees replayed lessons 3-5 (${steps} steps) in ` +
      `${summary.replaySeconds} s on ${summary.cores} cores (load average ` +
      `${summary.loadAverage.join(", ")})`,
  );
  log(
    `join-to-ready: p50 ${summary.joinToReadyMs.p50} ms, p95 ` +
      `${summary.joinToReadyMs.p95} ms, max ${summary.joinToReadyMs.max} ms`,
  );
  log(
    `  its parts (p50): the join ${summary.joinPartsMsP50[0]} ms, the lab's status ${summary.joinPartsMsP50[1]} ms, ` +
      `the first cell ${summary.joinPartsMsP50[2]} ms`,
  );
  log(
    `cell latency (${cells.length} cells): p50 ${summary.cellMs.p50} ms, p95 ` +
      `${summary.cellMs.p95} ms, max ${summary.cellMs.max} ms`,
  );
  log(
    `  the slowest cells (median ms, count): ` +
      `${summary.slowestCells.map((c) => `${c.sql} ${c.p50} (${c.count})`).join("; ")}`,
  );
  log(
    `a lab after the replay: PSS median ${summary.labPssMb.median} MB, max ${summary.labPssMb.max} MB; ` +
      `RSS median ${summary.labRssMb.median} MB (${summary.processesPerLab} processes)`,
  );
  log(
    `after ${idleSeconds} s idle: PSS median ${summary.idleLabPssMb.median} MB, max ${summary.idleLabPssMb.max} MB ` +
      `(${summary.idleLabPssMb.processes} processes)`,
  );
  log(`all ${attendees} labs: PSS ${mb(sum(pss))}, RSS ${mb(sum(rss))}; the hub's own RSS ${summary.hubRssMb} MB`);
  log(
    `CPU: a lab used ${summary.labCpuSecondsDuringReplay.median} s during the replay (all labs ` +
      `${summary.labCpuSecondsDuringReplay.total} s, the hub ${summary.hubCpuSeconds} s, the simulated ` +
      `attendees ${summary.attendeesCpuSeconds} s); idle, a lab uses ${summary.labIdleCpuPercent.median}% of a core`,
  );
  log(
    `  the labs' CPU by kind of process (s): ` +
      Object.entries(summary.labCpuSecondsDuringReplay.byKind)
        .map(([kind, seconds]) => `${kind} ${seconds}`)
        .join(", "),
  );
  log(
    `event-to-grid (${summary.eventToGridMs.count} progress events): p50 ${summary.eventToGridMs.p50} ms, p95 ` +
      `${summary.eventToGridMs.p95} ms, max ${summary.eventToGridMs.max} ms` +
      (summary.eventToGridMs.unseen ? `; ${summary.eventToGridMs.unseen} never shown` : "") +
      (measured.eventToGridMs.error ? ` (the room's feed: ${measured.eventToGridMs.error})` : ""),
  );
  log(`every expectation met: ${yes(goals.everyExpectationMet)}${missed.length ? ` (${missed.length} missed)` : ""}`);
  for (const line of missed.slice(0, 10)) log(`  missed: ${line}`);
  log(
    `goals: p95 cell < ${GOALS.cellP95Ms} ms ${yes(goals.cellP95)}, join-to-ready ` +
      `p95 < 1 s ${yes(goals.joinP95)}, a lab < ${GOALS.labPssMb} MB ` +
      `${yes(goals.labUnder150Mb)}, event-to-grid p95 < 1 s ${yes(goals.eventToGridP95)}`,
  );
  log(met ? `${attendees} labs meet every goal.` : `${attendees} labs do NOT meet every goal.`);
}

/** The five cells (by their first line) with the highest median latency. */
function slowest(cells: { sql: string; ms: number }[]): { sql: string; p50: number; count: number }[] {
  const bySql = new Map<string, number[]>();
  for (const cell of cells) bySql.set(cell.sql, [...(bySql.get(cell.sql) ?? []), cell.ms]);
  return [...bySql]
    .map(([sql, list]) => ({ sql, p50: round(quantile(list, 0.5)), count: list.length }))
    .sort((a, b) => b.p50 - a.p50)
    .slice(0, 5);
}

function quantile(list: number[], q: number): number {
  if (list.length === 0) return Number.NaN;
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function sum(list: number[]): number {
  return list.reduce((total, value) => total + value, 0);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

async function until(test: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the warm pool to fill");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A first port with `count` free ports from it, away from the single-user lab's and the hub's defaults. */
async function freeBase(count: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const checks = await Promise.all(Array.from({ length: count + 10 }, (_, i) => isPortFree(base + i)));
    if (checks.every(Boolean)) return base;
  }
}
