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
import fs from "node:fs/promises";
import { Session } from "node:inspector";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { loadConfig } from "../server/config.ts";
import { isPortFree } from "../server/lab/embedded/ports.ts";
import { existingLabIds } from "../server/workshop/provision/lab-folder.ts";
import { endWorkshop } from "../server/workshop/end.ts";
import { LocalProvider, PORTS_PER_LAB } from "../server/workshop/provision/local.ts";
import { serveHub } from "../server/workshop/serve.ts";
import { cpuByKind, cpuSeconds, cpuSpent, labMemory } from "./lab-processes.ts";
import { runAttendees, watchRoom } from "./workshop-children.ts";
import { eventToGrid, report, sum } from "./workshop-report.ts";

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

  report(
    {
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
    },
    { attendees, idleSeconds, json: values.json },
  );
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
