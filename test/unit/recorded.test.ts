import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../server/config.ts";
import { NODE_NAMES } from "../../shared/api-types.ts";
import { recordKey } from "../../shared/lessons/lesson-cells.ts";
import type { Recording } from "../../shared/lessons/recorded.ts";
import { readLessons } from "../../server/lesson-start/lessons.ts";

const recording = JSON.parse(await fs.readFile(path.join(PROJECT_ROOT, "src/data/recorded.json"), "utf8")) as Recording;

describe("the recorded outputs the site shows before a cell runs", () => {
  it("were recorded on PostgreSQL 18", () => {
    expect(recording.version).toMatch(/^18\./);
  });

  it("keep each node's connection string with its password masked, never the recording lab's own", () => {
    for (const node of NODE_NAMES) {
      expect(recording.conninfo?.[node], node).toMatch(
        /^host=127\.0\.0\.1 port=\d+ user=postgres password=\*+ dbname=replication$/,
      );
    }
  });

  it("match the lessons as they are now (run `npm run record` after changing a lesson)", async () => {
    for (const lesson of await readLessons()) {
      for (const [i, step] of lesson.steps.entries()) {
        if (step.kind !== "sql") continue;
        const entry = recording.cells[recordKey(lesson.file, i)];
        expect(entry?.sql, `${lesson.file}, step ${i + 1} has no current recording: run npm run record`).toBe(
          step.code,
        );
        expect(entry?.responses.length).toBe(step.node === "all" ? 4 : 1);
      }
    }
  });
});
