import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatResult, isRightAligned, type PsqlResult } from "../../server/psql/format.ts";
import { displayLines } from "../../shared/psql-display.ts";
import type { CapturedCase } from "../fixtures/psql/capture.ts";

// Each fixture is what the real psql printed for a query (see test/fixtures/psql/cases.ts), next to the
// fields and rows node-postgres returned for the same query: the formatter must print exactly what psql did.
const fixtures = path.join(import.meta.dirname, "../fixtures/psql");
const { capturedWith, cases } = JSON.parse(fs.readFileSync(path.join(fixtures, "cases.json"), "utf8")) as {
  capturedWith: string;
  cases: CapturedCase[];
};
const psqlPrinted = (name: string) => fs.readFileSync(path.join(fixtures, `${name}.txt`), "utf8");
const fixture = (name: string) => {
  const found = cases.find((c) => c.name === name);
  if (!found) throw new Error(`no fixture named ${name}`);
  return found;
};

describe(`psql's aligned format, byte for byte against ${capturedWith}`, () => {
  it.each(cases.map((c) => [c.name, c] as const))("prints %s as psql does", (name, c) => {
    expect(formatResult(c.result, { expanded: c.expanded })).toBe(psqlPrinted(name));
  });

  it("covers the shapes the lessons meet", () => {
    expect(cases.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        "numbers",
        "text-and-nulls",
        "wide-value",
        "multi-line",
        "unicode",
        "zero-rows",
        "zero-rows-expanded",
        "one-row",
        "many-rows",
        "many-rows-expanded",
        "title",
        "publication-footers",
        "publication-footers-expanded",
      ]),
    );
  });
});

describe("what psql's format shows", () => {
  const users: PsqlResult = {
    fields: [
      { name: "id", type: "integer" },
      { name: "name", type: "text" },
    ],
    rows: [
      ["1", "alice"],
      ["10", null],
    ],
    showRowCount: true,
  };

  it("right-aligns numbers, left-aligns text, and shows NULL as nothing", () => {
    expect(formatResult(users, { expanded: false })).toBe(
      [" id | name  ", "----+-------", "  1 | alice", " 10 | ", "(2 rows)", "", ""].join("\n"),
    );
  });

  it("counts rows only when there are no other footers, as \\dRp+ shows", () => {
    const described = { ...users, title: "Publication p", footers: ["Tables:", '    "public.users"'] };
    const text = formatResult(described, { expanded: false });
    expect(text).toContain('Tables:\n    "public.users"\n\n');
    expect(text).not.toContain("rows)");
    expect(formatResult({ ...users, showRowCount: false }, { expanded: false })).not.toContain("rows)");
  });

  it("prints one record block per row under \\x, without a row count", () => {
    expect(formatResult(users, { expanded: true })).toBe(
      ["-[ RECORD 1 ]", "id   | 1", "name | alice", "-[ RECORD 2 ]", "id   | 10", "name | ", "", ""].join("\n"),
    );
  });

  it("under \\x auto, expands only a table wider than the terminal, and none when there is no terminal", () => {
    const aligned = formatResult(users, { expanded: false });
    // The table is 12 columns wide ("----+-------"): it fits in 12, not in 11.
    expect(formatResult(users, { expanded: "auto", columns: 12 })).toBe(aligned);
    expect(formatResult(users, { expanded: "auto", columns: 11 })).toBe(formatResult(users, { expanded: true }));
    expect(formatResult(users, { expanded: "auto" })).toBe(aligned);
    expect(formatResult({ ...users, expanded: false }, { expanded: "auto", columns: 5 })).toBe(aligned);
  });

  it("keeps a table unexpanded when the result says so, as psql does for \\d TABLE", () => {
    expect(formatResult({ ...users, expanded: false }, { expanded: true })).toBe(
      formatResult(users, { expanded: false }),
    );
  });

  it("right-aligns the types psql right-aligns, as format_type() names them", () => {
    for (const type of [
      "smallint",
      "integer",
      "bigint",
      "real",
      "double precision",
      "numeric",
      "numeric(10,2)",
      "oid",
      "xid",
      "cid",
      "money",
    ]) {
      expect(isRightAligned(type), type).toBe(true);
    }
    for (const type of ["text", "boolean", "pg_lsn", "integer[]", "timestamp with time zone", "name"]) {
      expect(isRightAligned(type), type).toBe(false);
    }
  });

  it("counts display columns as a terminal does: wide CJK and emoji take two, combining marks none", () => {
    expect(displayLines("日本")[0]?.width).toBe(4);
    expect(displayLines("🐘")[0]?.width).toBe(2);
    expect(displayLines("e\u0301")[0]?.width).toBe(1);
    expect(displayLines("a\tb")).toEqual([{ text: "a       b", width: 9 }]);
    expect(displayLines("x\ny")).toEqual([
      { text: "x", width: 1 },
      { text: "y", width: 1 },
    ]);
  });

  it("matches the fixture of a publication's footers line for line", () => {
    const c = fixture("publication-footers");
    expect(c.result.footers).toEqual([
      "Tables:",
      '    "public.fixture_a"',
      '    "public.fixture_b" (id) WHERE (id > 10)',
    ]);
  });
});
