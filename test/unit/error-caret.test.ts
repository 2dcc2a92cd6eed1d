// A cell and the console point at an error the same way, libpq's: the cells had a simpler caret of their own,
// which drifted from psql's on lines with tabs, wide characters or more than 60 columns.
import { describe, expect, it } from "vitest";
import { errorPointer } from "../../src/lib/cell/render.ts";
import { errorPosition } from "../../shared/psql-error-position.ts";

/** The cell's position is an offset into its string (UTF-16), the server's and libpq's one in characters. */
function cellAndConsole(sql: string, target: string): { cell: string; console: string } {
  const offset = sql.indexOf(target);
  return {
    cell: errorPointer(sql, offset + 1),
    console: errorPosition(sql, Array.from(sql.slice(0, offset)).length + 1).replace(/\n$/, ""),
  };
}

describe("the error caret of cells and the console", () => {
  it("shows a tab as one space, as libpq does", () => {
    const shown = cellAndConsole("SELECT 1,\n\tnope;", "nope");
    expect(shown.cell).toBe(`LINE 2:  nope;\n${" ".repeat(9)}^`);
    expect(shown.cell).toBe(shown.console);
  });

  it("counts wide characters as two columns", () => {
    const shown = cellAndConsole("SELECT '漢字' || nope;", "nope");
    expect(shown.cell).toBe(`LINE 1: SELECT '漢字' || nope;\n${" ".repeat(8 + 17)}^`);
    expect(shown.cell).toBe(shown.console);
  });

  it("counts a character outside the BMP (two UTF-16 units) once, and as wide", () => {
    const shown = cellAndConsole("SELECT '🐘' || nope;", "nope");
    expect(shown.cell).toBe(`LINE 1: SELECT '🐘' || nope;\n${" ".repeat(8 + 15)}^`);
    expect(shown.cell).toBe(shown.console);
  });

  it("cuts a line longer than 60 columns around the caret with ...", () => {
    const sql = `SELECT ${"a, ".repeat(40)}oops FROM t;`;
    const shown = cellAndConsole(sql, "oops");
    const at = sql.indexOf("oops");
    expect(shown.cell).toBe(`LINE 1: ...${sql.slice(at - 50, at + 10)}...\n${" ".repeat(8 + 3 + 50)}^`);
    expect(shown.cell).toBe(shown.console);
  });

  it("shows nothing for a position past the SQL", () => {
    expect(errorPointer("SELECT 1;", 20)).toBe("");
  });
});
