// Lessons are executable specs: on a fresh lab, every cell of every lesson runs in order through the bridge,
// exactly as the page would run it, and must meet its expectation.
import fs from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { NODE_NAMES, type LabStatus, type NodeName, type QueryResponse } from "../../src/lib/api-types.ts";
import { parseExpectation, runUntilMet } from "../../src/lib/expectations.ts";
import { fillPlaceholders } from "../../src/lib/placeholders.ts";
import { PROJECT_ROOT } from "../../server/config.ts";
import { call, query } from "../support/bridge.ts";
import { readLessons } from "../support/lessons.ts";

const lessons = await readLessons();

describe("the lessons, replayed on a fresh lab", () => {
  let lab: LabStatus;
  beforeAll(async () => {
    const reset = await call("/api/lab/reset", {});
    expect(reset.status).toBe(200);
    lab = reset.json;
  });

  it("has lessons 1 to 6, in order, each with cells", () => {
    expect(lessons.map((lesson) => lesson.file.slice(0, 2))).toEqual(["01", "02", "03", "04", "05", "06"]);
    for (const lesson of lessons) expect(lesson.cells.length).toBeGreaterThan(0);
  });

  it("lesson 3 runs the project's sql/init.sql, word for word", async () => {
    const init = await fs.readFile(path.join(PROJECT_ROOT, "sql/init.sql"), "utf8");
    const statements = init.replace(/^--.*$/gm, "").trim();
    expect(lessons[2]!.cells[0]!.code.trim()).toBe(statements);
  });

  for (const lesson of lessons) {
    it(`${lesson.file}: every cell meets its expectation`, async () => {
      for (const [i, cell] of lesson.cells.entries()) {
        const sql = fillPlaceholders(cell.code, lab);
        expect(sql, `cell ${i + 1} has an unfilled placeholder`).not.toMatch(/\{\{/);
        const nodes: NodeName[] = cell.node === "all" ? [...NODE_NAMES] : [cell.node as NodeName];
        const run = () => Promise.all(nodes.map((node): Promise<QueryResponse> => query(node, sql)));
        const { responses, verdicts } = await runUntilMet(run, parseExpectation(cell.expect), cell.within);
        verdicts.forEach((verdict, n) => {
          const where = `${lesson.file}, cell ${i + 1} on ${responses[n]!.node}:\n${sql}\n`;
          expect(verdict.met, `${where}${verdict.reason}`).toBe(true);
        });
      }
    });
  }
});
