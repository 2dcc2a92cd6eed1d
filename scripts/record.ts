// npm run record: replays every lesson on a fresh lab and keeps each cell's answers in src/data/recorded.json,
// which the site shows (marked as recorded) until the reader runs a cell. Run it after changing a lesson; the
// tests fail while a recording no longer matches its lesson.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { LabStatus } from "../shared/api-types.ts";
import { recordKey } from "../shared/lessons/lesson-cells.ts";
import { conninfosOf } from "../shared/lessons/placeholders.ts";
import { maskPassword, type Recording } from "../shared/lessons/recorded.ts";
import { runStep, type Post } from "../shared/lessons/replay.ts";
import { loadConfig, PROJECT_ROOT } from "../server/config.ts";
import { nextFreePort } from "../server/lab/embedded/ports.ts";
import { readLessons } from "../server/lesson-start/lessons.ts";
import { startLab } from "../server/start-lab.ts";

const TOKEN = "record-token-0123456789";
// A fresh lab in a temp folder that the postgres user can reach when this runs as root (mkdtemp makes it 0700).
const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "lab-record-"));
await fs.chmod(dataDir, 0o755);
// Ports away from the default ones, which a lab of the reader's own may be using.
const pgPort = await nextFreePort(30_000 + Math.floor(Math.random() * 20_000), new Set());
const config = loadConfig({ LAB_DATA_DIR: dataDir, LAB_PG_PORT: String(pgPort), LAB_TOKEN: TOKEN, PORT: "0" });
const lab = await startLab(config).catch(async (error: unknown) => {
  await fs.rm(dataDir, { recursive: true, force: true });
  throw error;
});
const post: Post = async <T>(route: string, body: unknown) => {
  const response = await fetch(`${lab.url}${route}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${route} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
};

try {
  const status = lab.lab.status() as LabStatus;
  const recording: Recording = {
    version: status.nodes[0]?.version ?? "",
    recordedAt: new Date().toISOString().slice(0, 10),
    conninfo: conninfosOf(status),
    cells: {},
  };
  for (const lesson of await readLessons()) {
    for (const [i, step] of lesson.steps.entries()) {
      // The lab as it is now: lesson 12 makes the standby, whose {{standby}} its later cells fill in.
      const outcome = await runStep(step, lab.lab.status() as LabStatus, post);
      if (!outcome.met) throw new Error(`${lesson.file}, step ${i + 1} missed its expectation: ${outcome.reason}`);
      if (step.kind === "sql" && outcome.responses) {
        recording.cells[recordKey(lesson.file, i)] = { sql: step.code, responses: outcome.responses };
      }
    }
    console.log(`recorded ${lesson.file}`);
  }
  // The standby, made by lesson 12, is still there at the end: its connection string is recorded with the four.
  recording.conninfo = conninfosOf(lab.lab.status() as LabStatus);
  const file = path.join(PROJECT_ROOT, "src/data/recorded.json");
  // The lab's own password is in every connection string and in what some cells show (\dRs+, subconninfo).
  await fs.writeFile(file, `${maskPassword(JSON.stringify(recording), lab.lab.endpoint("master").password)}\n`);
  console.log(
    `wrote ${path.relative(PROJECT_ROOT, file)}: ${Object.keys(recording.cells).length} cells, ` +
      `PostgreSQL ${recording.version}`,
  );
} finally {
  await lab.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
