// How long "Start this lesson from a known state" takes for a lesson, against the plain reset and replay of the
// lessons before it (what Catch up did), in the same run on the same lab:
//   plain: POST /api/lab/reset, then every step of lessons 1..N-1 through the bridge, as the page ran them;
//   cold:  POST /api/lab/lesson-start with no snapshot yet (reset, replay, a snapshot kept at every lesson start);
//   warm:  the same once the snapshot exists (stop the nodes, bring their folders back to it, start them),
//          median of runs;
// and the disk the kept snapshots take (<data folder>/snapshots, each file counted once), against whole copies of
// the folders they list and the live lab's four data folders.
// On a machine shared with other work, wall times swing with its load; each run also reports the CPU time the
// bridge and the processes it ended used (Linux), which swings far less.
// Usage: npm run bench:lesson-start -- [--lesson 9] [--warm-runs 5]
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { NODE_NAMES, type LabStatus, type LessonStartProgress } from "../shared/api-types.ts";
import { runStep, type Post } from "../shared/lessons/replay.ts";
import { diskUse, formatBytes } from "../server/lesson-start/disk-use.ts";
import { readLessons, stepsBefore } from "../server/lesson-start/lessons.ts";
import type { LocalServers } from "../server/lab/lab.ts";
import { SnapshotStore } from "../server/lesson-start/snapshots.ts";
import { BENCH_TOKEN, startLabAndBridge } from "./fixture.ts";

const { values } = parseArgs({
  options: { lesson: { type: "string", default: "9" }, "warm-runs": { type: "string", default: "5" } },
});
const lesson = Number(values.lesson);
const warmRuns = Number(values["warm-runs"]);

const { lab, url, stop } = await startLabAndBridge();
// The benchmark measures the snapshots, which only a lab whose servers' folders are on this machine keeps.
const local = lab.localServers();
if (!local) throw new Error(`lesson starts keep snapshots in the embedded lab only; this one is ${lab.mode}`);
const call = async <T>(path: string, body?: unknown): Promise<T> => {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { Authorization: `Bearer ${BENCH_TOKEN}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
};
const post: Post = (path, body) => call(path, body);

async function plainReplay(): Promise<number> {
  const started = performance.now();
  const lab = await call<LabStatus>("/api/lab/reset", {});
  for (const step of stepsBefore(await readLessons(), lesson)) {
    const outcome = await runStep(step, lab, post);
    if (!outcome.met) throw new Error(`a step did not meet its expectation: ${outcome.what}\n${outcome.reason}`);
  }
  return (performance.now() - started) / 1000;
}

async function lessonStart(): Promise<{ seconds: number; cpu: number; progress: LessonStartProgress }> {
  const started = performance.now();
  const cpuBefore = cpuSeconds();
  await call("/api/lab/lesson-start", { lesson });
  for (;;) {
    const { progress } = await call<{ progress: LessonStartProgress }>("/api/lab/lesson-start");
    if (progress.phase === "failed") throw new Error(progress.error);
    if (progress.phase === "done")
      return { seconds: (performance.now() - started) / 1000, cpu: cpuSeconds() - cpuBefore, progress };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * CPU seconds used by this process (the bridge and its thread pool) and by its children that have ended (cp,
 * the servers a restore stopped), from /proc/self/stat in clock ticks of 1/100 s; NaN where there is no /proc.
 * A warm run stops the servers the run before it started, so it counts their start and their idle time.
 */
function cpuSeconds(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the command's name: state is field 3; utime, stime, cutime and cstime are fields 14 to 17.
    return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) / 100;
  } catch {
    return Number.NaN;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The snapshots kept, on disk, against whole copies of the folders they list and the lab's own four folders. */
async function reportDisk(local: LocalServers): Promise<void> {
  const { starts, bytes, listed } = await new SnapshotStore(lab, local).usage();
  const live = await Promise.all(NODE_NAMES.map((name) => diskUse(local.nodeFolder(name))));
  const liveBytes = live.reduce((sum, use) => sum + use.bytes, 0);
  const whole = starts * liveBytes;
  console.log(
    `  disk: ${starts} lesson starts kept in ${formatBytes(bytes)} (${path.join(local.dataDir, "snapshots")})`,
  );
  console.log(
    `        the files they list: ${formatBytes(listed)}; whole copies of the lab's four folders ` +
      `(${formatBytes(liveBytes)}) per start, as kept before: about ${formatBytes(whole)}, ` +
      `${(whole / bytes).toFixed(1)}x more`,
  );
}

try {
  const steps = stepsBefore(await readLessons(), lesson).length;
  console.log(`the start of lesson ${lesson} (${steps} steps of the lessons before it)`);
  const plain = await plainReplay();
  console.log(`  plain reset + replay:           ${plain.toFixed(2)} s`);
  const cold = await lessonStart();
  if (cold.progress.how !== "replay") throw new Error("the cold run restored a snapshot: the lab was not fresh");
  console.log(
    `  cold (replay + snapshots kept): ${cold.seconds.toFixed(2)} s   ` +
      `(${(cold.seconds / plain).toFixed(2)} of plain; CPU ${cold.cpu.toFixed(1)} s)`,
  );
  await reportDisk(local);
  const warm: number[] = [];
  const warmCpu: number[] = [];
  for (let i = 0; i < warmRuns; i++) {
    const run = await lessonStart();
    if (run.progress.how !== "restore") throw new Error("a warm run did not restore the snapshot");
    warm.push(run.seconds);
    warmCpu.push(run.cpu);
  }
  console.log(
    `  warm (restore the snapshot):    median ${median(warm).toFixed(2)} s   runs ` +
      `${warm.map((s) => s.toFixed(2)).join(", ")}`,
  );
  console.log(
    `                                  CPU median ${median(warmCpu).toFixed(2)} s   runs ` +
      `${warmCpu.map((s) => s.toFixed(2)).join(", ")}`,
  );
  console.log(
    `  warm is ${(median(warm) / plain).toFixed(3)} of plain (${(plain / median(warm)).toFixed(1)}x ` +
      `faster); goal: lesson 9 in 5 s or less`,
  );
} finally {
  await stop();
}
