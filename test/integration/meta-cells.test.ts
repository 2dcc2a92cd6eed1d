import { describe, expect, it } from "vitest";
import { query } from "../support/bridge.ts";

describe("psql meta-commands in a cell, through the bridge", () => {
  it("\\x switches the rest of the cell to expanded display, as psql prints it", async () => {
    const { results, error } = await query("master", "\\x\nSELECT 1 AS a, 'two' AS b;\n\\x off\nSELECT 3 AS c;");
    expect(error).toBeUndefined();
    expect(results.map((r) => r.message ?? r.command)).toEqual([
      "Expanded display is on.",
      "SELECT",
      "Expanded display is off.",
      "SELECT",
    ]);
    expect(results[1]?.psql).toBe("-[ RECORD 1 ]\na | 1\nb | two\n\n");
    expect(results[3]?.psql).toBeUndefined();
  });

  it("\\gx runs the query before it in expanded form, once", async () => {
    const { results } = await query("master", "SELECT 42 AS answer \\gx");
    expect(results).toHaveLength(1);
    expect(results[0]?.psql).toBe("-[ RECORD 1 ]\nanswer | 42\n\n");
  });

  it("\\watch runs its query once and tells the caller to repeat it", async () => {
    const { results } = await query("slave1", "SELECT 1 AS one\n\\watch 0.5");
    expect(results).toHaveLength(1);
    expect(results[0]?.rows).toEqual([["1"]]);
    expect(results[0]?.watch).toEqual({ seconds: 0.5, sql: "SELECT 1 AS one" });
  });

  it("refuses \\watch without a query, or with a bad interval, in psql's words", async () => {
    expect((await query("master", "\\watch 1")).error?.message).toBe("\\watch cannot be used with an empty query");
    expect((await query("master", "SELECT 1 \\watch soon")).error?.message).toBe(
      '\\watch: incorrect interval value "soon"',
    );
  });

  it("answers an unknown meta-command as psql does, after the statements before it ran", async () => {
    const { results, error } = await query("master", "SELECT 1;\n\\frobnicate");
    expect(results).toHaveLength(1);
    expect(error).toMatchObject({
      code: "LAB02",
      message: "invalid command \\frobnicate",
      hint: "Try \\? for help.",
      position: 11,
    });
  });

  it("describes a table with \\d, as psql's text", async () => {
    await query("master", "CREATE TABLE metacell_t (id int PRIMARY KEY, note text)");
    const { results } = await query("master", "\\d metacell_t");
    expect(results[0]?.command).toBe("\\d");
    expect(results[0]?.psql).toContain('Table "public.metacell_t"');
    expect(results[0]?.psql).toContain('"metacell_t_pkey" PRIMARY KEY, btree (id)');
    await query("master", "DROP TABLE metacell_t");
  });

  it("reports a catalog query's own SQL error with its SQLSTATE, not as a node down", async () => {
    await query("slave1", "CREATE ROLE metacell_reader");
    // A non-superuser may not read subconninfo, which \dRs+ shows.
    const { results, error } = await query("slave1", "SET ROLE metacell_reader;\n\\dRs+");
    expect(results).toHaveLength(1);
    expect(error).toMatchObject({ code: "42501", node: "slave1" });
    expect(error?.message).toContain("permission denied");
    expect((await query("slave1", "SELECT current_user")).results[0]?.rows).toEqual([["postgres"]]);
    await query("slave1", "DROP ROLE metacell_reader");
  });
});
