// How long a new user waits for the lab: a fresh clone of this repository (its committed HEAD), `npm ci`, then
// `npm start` until it prints the address and a lesson page answers from it (the first start: initdb of four
// nodes and the site's build); then Ctrl+C and `npm start` again in the same clone (a warm start: the nodes'
// data and the built site are there). Reports each in seconds, their ratio, the first start's build phases as it
// printed them, and the CPU time each start used (all its processes), which swings far less than wall time on a
// machine shared with other work; the machine's load average is printed alongside.
// Usage: npm run bench:first-start -- [--keep] [--from <folder or URL to clone, default: this project>]
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../server/config.ts";
import { freeBase } from "./fixture.ts";

const { values } = parseArgs({
  options: { keep: { type: "boolean", default: false }, from: { type: "string", default: PROJECT_ROOT } },
});
const LESSON = "/lessons/01-logical-replication/";
const load = () => os.loadavg()[0]!.toFixed(1);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface Start {
  /** Until the address was printed, and until a lesson page answered 200 from it. */
  addressMs: number;
  readyMs: number;
  output: string;
  stop: () => Promise<{ cpuSeconds: number | undefined }>;
}

/** `npm start` in `clone` under /usr/bin/time (when there is one), for the CPU time of all its processes. */
async function npmStart(clone: string, pgPort: number): Promise<Start> {
  const timeFile = path.join(clone, ".start-time");
  const timer = spawnSync("/usr/bin/time", ["-f", "%U", "true"]).status === 0;
  const command = timer ? "/usr/bin/time" : "npm";
  const args = timer ? ["-o", timeFile, "-f", "%U %S", "npm", "start"] : ["start"];
  const began = performance.now();
  const child = spawn(command, args, {
    cwd: clone,
    env: { ...process.env, PORT: "0", LAB_PG_PORT: String(pgPort), LAB_DATA_DIR: "", LAB_SITE_DIR: "" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const look = () => {
      const found = /Open (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
      if (found) resolve(found);
      else if (child.exitCode !== null) reject(new Error(`npm start exited:\n${output}`));
      else setTimeout(look, 20);
    };
    look();
  });
  const addressMs = performance.now() - began;
  const page = await fetch(`${url}${LESSON}`);
  if (page.status !== 200) throw new Error(`${LESSON} answered ${page.status}`);
  await page.text();
  const readyMs = performance.now() - began;
  const stop = async () => {
    // Ctrl+C as a person sends it: to the whole process group (npm, the bridge).
    process.kill(-child.pid!, "SIGINT");
    await exited;
    const times = timer ? (await fs.readFile(timeFile, "utf8")).trim().split(/\s+/).slice(-2).map(Number) : [];
    return { cpuSeconds: times.length === 2 ? times[0]! + times[1]! : undefined };
  };
  return { addressMs, readyMs, output, stop };
}

function report(name: string, start: Start, cpuSeconds: number | undefined, loadBefore: string) {
  const cpu = cpuSeconds === undefined ? "" : `, CPU ${cpuSeconds.toFixed(1)} s`;
  console.log(
    `${name}: ready in ${secs(start.readyMs)} (address printed at ${secs(start.addressMs)})${cpu}; ` +
      `load average ${loadBefore} before, ${load()} after`,
  );
}

const clone = await fs.mkdtemp(path.join(os.tmpdir(), "first-start-"));
// The lab's servers run as the postgres user when this runs as root: they must reach the clone's .lab folder.
await fs.chmod(clone, 0o755);
try {
  console.log(`cloning ${values.from} into ${clone}`);
  const cloned = spawnSync("git", ["clone", "-q", values.from, clone], { stdio: "inherit" });
  if (cloned.status !== 0) throw new Error("git clone failed");
  const installBegan = performance.now();
  const installed = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: clone, stdio: "ignore" });
  if (installed.status !== 0) throw new Error("npm ci failed");
  console.log(`npm ci: ${secs(performance.now() - installBegan)}`);

  const pgPort = await freeBase();
  const firstLoad = load();
  const first = await npmStart(clone, pgPort);
  const firstCpu = (await first.stop()).cpuSeconds;
  console.log(
    first.output
      .split("\n")
      .filter((line) => /^ {2}site: /.test(line))
      .join("\n"),
  );
  report("first start", first, firstCpu, firstLoad);

  const warmLoad = load();
  const warm = await npmStart(clone, pgPort);
  const warmCpu = (await warm.stop()).cpuSeconds;
  report("warm start", warm, warmCpu, warmLoad);
  console.log(`first start / warm start: ${(first.readyMs / warm.readyMs).toFixed(1)}x`);
} finally {
  if (values.keep) console.log(`kept ${clone}`);
  else await fs.rm(clone, { recursive: true, force: true });
}
