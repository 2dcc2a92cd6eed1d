// Which lab `npm run load` talks to. The one in this checkout's data folder (LAB_DATA_DIR, or .lab/) when its
// bridge runs; otherwise a bridge of this checkout started with another LAB_DATA_DIR, found among this user's
// processes (Linux's /proc: their command line, working folder and environment), so that a learner who started
// the lab with LAB_DATA_DIR needn't repeat it.
import fs from "node:fs/promises";
import path from "node:path";
import { readBridgeFile, type BridgeFile } from "../server/bridge-file.ts";

export type FoundLab =
  | { kind: "running"; bridge: BridgeFile; dataDir: string; elsewhere: boolean }
  | { kind: "none"; why: string }
  | { kind: "several"; dataDirs: string[] };

export async function findLab(dataDir: string, explicit: boolean, projectRoot: string): Promise<FoundLab> {
  const own = await readBridgeFile(dataDir);
  if (own.kind === "running") return { kind: "running", bridge: own.bridge, dataDir, elsewhere: false };
  const why =
    own.kind === "missing"
      ? `${dataDir}/bridge.json is missing`
      : `${dataDir}/bridge.json was left by a lab that is no longer running (pid ${own.bridge.pid}; it was ` +
        `killed, or crashed)`;
  if (explicit) return { kind: "none", why };
  const running: { bridge: BridgeFile; dataDir: string }[] = [];
  for (const other of await bridgeDataDirs(projectRoot)) {
    if (other === dataDir) continue;
    const found = await readBridgeFile(other);
    if (found.kind === "running") running.push({ bridge: found.bridge, dataDir: other });
  }
  if (running.length === 1) return { kind: "running", ...running[0]!, elsewhere: true };
  if (running.length > 1) return { kind: "several", dataDirs: running.map((lab) => lab.dataDir) };
  return { kind: "none", why };
}

/** The data folders of the bridges of this checkout that run now (npm start: node ... server/main.ts). */
async function bridgeDataDirs(projectRoot: string): Promise<string[]> {
  const pids = (await fs.readdir("/proc").catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  const dirs = new Set<string>();
  for (const pid of pids) {
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (!cmdline.split("\0").some((arg) => arg.endsWith("server/main.ts"))) continue;
    const cwd = await fs.readlink(`/proc/${pid}/cwd`).catch(() => "");
    if (cwd !== projectRoot) continue;
    const environ = await fs.readFile(`/proc/${pid}/environ`, "utf8").catch(() => "");
    const setting = environ
      .split("\0")
      .find((entry) => entry.startsWith("LAB_DATA_DIR="))
      ?.slice("LAB_DATA_DIR=".length);
    dirs.add(path.resolve(cwd, setting || ".lab"));
  }
  return [...dirs];
}
