// npm run record: replays every lesson on a fresh lab and keeps each cell's answers in src/data/recorded.json,
// which the site shows (marked as recorded) until the reader runs a cell. Run it after changing a lesson; the
// tests fail while a recording no longer matches its lesson.
import fs from "node:fs/promises";
import path from "node:path";
import type { LabStatus } from "../shared/api-types.ts";
import { recordKey } from "../shared/lessons/lesson-cells.ts";
import { conninfosOf } from "../shared/lessons/placeholders.ts";
import { maskPassword, type Recording } from "../shared/lessons/recorded.ts";
import { runStep, type Post } from "../shared/lessons/replay.ts";
import { PROJECT_ROOT } from "../server/config.ts";
import { readLessons } from "../test/support/lessons.ts";
import { BENCH_TOKEN, startLabAndBridge } from "../bench/fixture.ts";

const lab = await startLabAndBridge();
const post: Post = async <T>(route: string, body: unknown) => {
  const response = await fetch(`${lab.url}${route}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${BENCH_TOKEN}`, "Content-Type": "application/json" },
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
      const outcome = await runStep(step, status, post);
      if (!outcome.met) throw new Error(`${lesson.file}, step ${i + 1} missed its expectation: ${outcome.reason}`);
      if (step.kind === "sql" && outcome.responses) {
        recording.cells[recordKey(lesson.file, i)] = { sql: step.code, responses: outcome.responses };
      }
    }
    console.log(`recorded ${lesson.file}`);
  }
  const file = path.join(PROJECT_ROOT, "src/data/recorded.json");
  // The lab's own password is in every connection string and in what some cells show (\dRs+, subconninfo).
  await fs.writeFile(file, `${maskPassword(JSON.stringify(recording), lab.lab.endpoint("master").password)}\n`);
  console.log(
    `wrote ${path.relative(PROJECT_ROOT, file)}: ${Object.keys(recording.cells).length} cells, PostgreSQL ${recording.version}`,
  );
} finally {
  await lab.stop();
}
