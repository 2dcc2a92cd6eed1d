// The short text of a cell's answer that a workshop's `ran` event carries (issue 14's "last outputs"): command
// tags, the first rows, the error's line, and the bounds that keep it short.
import { describe, expect, it } from "vitest";
import type { QueryResponse, StatementResult } from "../../shared/api-types.ts";
import { PROGRESS_OUTPUT_LIMIT } from "../../shared/progress-events.ts";
import { outputText } from "../../src/lib/cell/cell-report.ts";

function result(command: string, rows: (string | null)[][], names: string[] = []): StatementResult {
  return {
    command,
    rowCount: rows.length,
    fields: names.map((name) => ({ name, type: "text" })),
    rows,
    truncated: false,
    notices: [],
    durationMs: 1,
    span: [0, 1],
  };
}

describe("outputText", () => {
  it("gives each statement's tag and its rows, NULL for SQL NULL", () => {
    const answer: QueryResponse = {
      node: "master",
      results: [result("CREATE TABLE", []), result("SELECT", [["1", null]], ["id", "name"])],
    };
    expect(outputText([answer])).toBe("CREATE TABLE\nSELECT 1\nid\tname\n1\tNULL");
  });

  it("gives a meta-command's psql text as psql prints it, and a meta-command's message", () => {
    const table = { ...result("\\dt", [["x"]]), psql: "   List of tables\n Name \n------\n users\n(1 row)\n\n" };
    const expanded = { ...result("\\x", []), message: "Expanded display is on." };
    expect(outputText([{ node: "master", results: [table, expanded] }])).toBe(
      "   List of tables\n Name \n------\n users\n(1 row)\nExpanded display is on.",
    );
  });

  it("names the node when the cell ran on several, and gives the error's line", () => {
    const ok: QueryResponse = { node: "slave1", results: [result("SELECT", [["3"]], ["count"])] };
    const failed: QueryResponse = {
      node: "slave2",
      results: [],
      error: { code: "42P01", message: 'relation "users" does not exist', node: "slave2" },
    };
    expect(outputText([ok, failed])).toBe(
      '-- slave1\nSELECT 1\ncount\n3\n-- slave2\nERROR: 42P01: relation "users" does not exist',
    );
  });

  it("keeps the first rows and at most the character limit", () => {
    const many = Array.from({ length: 50 }, (_, i) => [String(i)]);
    const text = outputText([{ node: "master", results: [result("SELECT", many, ["n"])] }]);
    expect(text.split("\n")).toHaveLength(2 + PROGRESS_OUTPUT_LIMIT.rows + 1);
    expect(text.endsWith("(30 more rows)")).toBe(true);
    const wide = [["x".repeat(500)], ["y".repeat(500)], ["z".repeat(500)], ["w".repeat(500)], ["v".repeat(500)]];
    const cut = outputText([{ node: "master", results: [result("SELECT", wide, ["t"])] }]);
    expect(cut.length).toBe(PROGRESS_OUTPUT_LIMIT.chars);
    expect(cut.endsWith("…")).toBe(true);
  });
});
