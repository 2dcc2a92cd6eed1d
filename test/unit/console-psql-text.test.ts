import { describe, expect, it } from "vitest";
import { errorPosition } from "../../shared/psql-error-position.ts";
import { readLine } from "../../server/console/input.ts";
import { errorText, resultText, timingText, watchTitle } from "../../server/psql/print.ts";
import { scanSql } from "../../server/psql/split-sql.ts";

const texts = (buffer: string, line: string) =>
  readLine(buffer, line).steps.map((step) => (step.kind === "sql" ? step.text : `\\${step.command}`));

describe("reading a line as psql's main loop does", () => {
  it("runs each statement the line completes, with its semicolon, and keeps the rest", () => {
    expect(readLine("", "SELECT 1; SELECT 2;  SELECT")).toMatchObject({ buffer: "SELECT", unclosed: null });
    expect(texts("", "SELECT 1; SELECT 2;  SELECT")).toEqual(["SELECT 1;", "SELECT 2;"]);
    expect(texts("SELECT", "1 ;")).toEqual(["SELECT\n1 ;"]);
  });

  it("leaves the query buffer alone for \\dt, and gives it to \\g and \\watch", () => {
    expect(readLine("SELECT 1", "\\dt")).toMatchObject({ buffer: "SELECT 1" });
    expect(texts("SELECT 1", "\\dt")).toEqual(["\\dt"]);
    const watch = readLine("SELECT count(*)", "FROM users \\watch 1");
    expect(watch.buffer).toBe("");
    expect(watch.steps[0]).toMatchObject({
      kind: "meta",
      command: "watch",
      args: ["1"],
      buffer: { text: "SELECT count(*)\nFROM users" },
    });
  });

  it("says what an unfinished statement leaves open, for the continuation prompt", () => {
    expect(readLine("", "SELECT 'it''s")).toMatchObject({ unclosed: "'" });
    expect(readLine("", 'SELECT "Mixed')).toMatchObject({ unclosed: '"' });
    expect(readLine("", "DO $body$ BEGIN")).toMatchObject({ unclosed: "$" });
    expect(readLine("", "SELECT (1")).toMatchObject({ unclosed: "(" });
    expect(readLine("", "/* a comment")).toMatchObject({ buffer: "/* a comment", unclosed: "*" });
    expect(scanSql("SELECT 'done'").unclosed).toBe(null);
  });

  it("starts nothing with whitespace or a comment alone", () => {
    expect(readLine("", "   -- just a note")).toEqual({ steps: [], buffer: "", unclosed: null, overflow: false });
    expect(readLine("", "/* closed */")).toEqual({ steps: [], buffer: "", unclosed: null, overflow: false });
  });
});

describe("libpq's error position", () => {
  it("shows the line and a caret under the character", () => {
    expect(errorPosition("SELEC 1;", 1)).toBe("LINE 1: SELEC 1;\n        ^\n");
    expect(errorPosition("SELECT 1,\nnope;", 11)).toBe("LINE 2: nope;\n        ^\n");
    expect(errorPosition("SELECT 1,\r\n\tnope;", 13)).toBe("LINE 2:  nope;\n         ^\n");
  });

  it("cuts a long line around the caret, as libpq does", () => {
    const query = `SELECT ${"a, ".repeat(40)}oops FROM t;`;
    const shown = errorPosition(query, query.indexOf("oops") + 1);
    expect(shown).toBe(
      `LINE 1: ...${query.slice(query.indexOf("oops") - 50, query.indexOf("oops") + 10)}...\n${" ".repeat(61)}^\n`,
    );
    const early = errorPosition(`${query}`, 1);
    expect(early).toBe(`LINE 1: ${query.slice(0, 60)}...\n        ^\n`);
  });

  it("counts wide characters as two columns", () => {
    expect(errorPosition("SELECT '漢字' x;", 13)).toBe(`LINE 1: SELECT '漢字' x;\n${" ".repeat(8 + 14)}^\n`);
  });
});

describe("psql's text for results, errors and timing", () => {
  const base = { rowCount: 1, truncated: false, notices: [], durationMs: 1, span: [0, 1] as [number, number] };

  it("prints the tag of a command, and after the rows of a DML statement with RETURNING", () => {
    expect(
      resultText({ ...base, command: "CREATE TABLE", fields: [], rows: [], tuples: false }, { expanded: false }),
    ).toBe("CREATE TABLE\n");
    const returning = {
      ...base,
      command: "INSERT 0 1",
      fields: [{ name: "id", type: "integer" }],
      rows: [["1"]],
      tuples: true,
    };
    expect(resultText(returning, { expanded: false })).toBe(" id \n----\n  1\n(1 row)\n\nINSERT 0 1\n");
    expect(
      resultText({ ...base, command: "SELECT 1", fields: [], rows: [[]], tuples: true }, { expanded: false }),
    ).toBe("--\n(1 row)\n\n");
  });

  it("prints errors with two spaces after each label", () => {
    const error = {
      code: "42P01",
      message: 'relation "nope" does not exist',
      node: "master" as const,
      statement: "SELECT * FROM nope;",
      position: 15,
      hint: "Create it first.",
      context: "SQL function",
    };
    expect(errorText(error)).toBe(
      'ERROR:  relation "nope" does not exist\nLINE 1: SELECT * FROM nope;\n                      ^\nHINT: ' +
        " Create it first.\nCONTEXT:  SQL function\n",
    );
  });

  it("times as psql's \\timing does", () => {
    expect(timingText(1.23456)).toBe("Time: 1.235 ms\n");
    expect(timingText(61_234.6)).toBe("Time: 61234.600 ms (01:01.235)\n");
    expect(timingText(3_723_004)).toBe("Time: 3723004.000 ms (01:02:03.004)\n");
  });

  it("titles \\watch with the time in the C locale's %c", () => {
    expect(watchTitle(new Date(2025, 0, 5, 9, 3, 7), 2)).toBe("Sun Jan  5 09:03:07 2025 (every 2s)\n");
    expect(watchTitle(new Date(2025, 10, 26, 14, 0, 0), 0.5)).toBe("Wed Nov 26 14:00:00 2025 (every 0.5s)\n");
  });
});
