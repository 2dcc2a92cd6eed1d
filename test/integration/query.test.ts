import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { call, direct, nodeConninfo, query, waitFor } from "../support/bridge.ts";

describe("POST /api/query against a real node", () => {
  it("returns each column's name and type, values as PostgreSQL prints them, and NULL as null", async () => {
    const response = await query(
      "master",
      "SELECT 42 AS answer, 'x'::varchar(10) AS label, true AS flag, NULL::text AS nothing, '0/16B6C50'::pg_lsn AS lsn",
    );
    expect(response.error).toBeUndefined();
    const [result] = response.results;
    expect(result?.command).toBe("SELECT");
    expect(result?.rowCount).toBe(1);
    expect(result?.fields).toEqual([
      { name: "answer", type: "integer" },
      { name: "label", type: "character varying(10)" },
      { name: "flag", type: "boolean" },
      { name: "nothing", type: "text" },
      { name: "lsn", type: "pg_lsn" },
    ]);
    expect(result?.rows).toEqual([["42", "x", "t", null, "0/16B6C50"]]);
    expect(result?.truncated).toBe(false);
    expect(result?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("runs several statements in order, each with its own result and place in the cell", async () => {
    const sql = "CREATE TEMP TABLE t(n int);\nINSERT INTO t VALUES (1), (2);\nSELECT count(*) FROM t;";
    const { results, error } = await query("master", sql);
    expect(error).toBeUndefined();
    expect(results.map((r) => r.command)).toEqual(["CREATE TABLE", "INSERT", "SELECT"]);
    expect(results[1]?.rowCount).toBe(2);
    expect(results[2]?.rows).toEqual([["2"]]);
    expect(results.map((r) => sql.slice(...r.span))).toEqual([
      "CREATE TEMP TABLE t(n int)",
      "INSERT INTO t VALUES (1), (2)",
      "SELECT count(*) FROM t",
    ]);
  });

  it("shows notices and warnings with the statement that raised them, in order", async () => {
    const { results } = await query(
      "slave1",
      "DO $$ BEGIN RAISE NOTICE 'hi'; RAISE WARNING 'careful; really'; END $$; SELECT 1",
    );
    expect(results).toHaveLength(2);
    // Each notice says where in the server's source it was raised: PL/pgSQL's RAISE, here.
    expect(results[0]?.notices).toEqual([
      {
        severity: "NOTICE",
        message: "hi",
        routine: "exec_stmt_raise",
        file: "pl_exec.c",
        line: expect.stringMatching(/^\d+$/),
      },
      {
        severity: "WARNING",
        message: "careful; really",
        routine: "exec_stmt_raise",
        file: "pl_exec.c",
        line: expect.stringMatching(/^\d+$/),
      },
    ]);
    expect(results[1]?.notices).toEqual([]);
  });

  it(
    "reports a SQL error with its SQLSTATE and a position inside the whole cell, " + "after the results before it",
    async () => {
      const sql = "SELECT 1;\nSELECT nosuch FROM pg_class;\nSELECT 3;";
      const { results, error } = await query("master", sql);
      expect(results).toHaveLength(1);
      expect(error).toMatchObject({ code: "42703", message: 'column "nosuch" does not exist', node: "master" });
      expect(sql.slice(error!.position! - 1)).toMatch(/^nosuch FROM/);
    },
  );

  it("passes detail and hint through", async () => {
    await query(
      "master",
      "CREATE TABLE IF NOT EXISTS parent(id int PRIMARY KEY); CREATE TABLE IF NOT EXISTS child(pid int " +
        "REFERENCES parent)",
    );
    const { error } = await query("master", "INSERT INTO child VALUES (99)");
    expect(error?.code).toBe("23503");
    expect(error?.detail).toBe('Key (pid)=(99) is not present in table "parent".');
    await query("master", "DROP TABLE child; DROP TABLE parent");
  });

  it("keeps only the first rows of a huge result and says it cut them", async () => {
    const limit = inject("rowLimit");
    const { results, error } = await query("master", "SELECT g FROM generate_series(1, 3000000) g");
    expect(error).toBeUndefined();
    expect(results[0]?.rows).toHaveLength(limit);
    expect(results[0]?.rows[limit - 1]).toEqual([String(limit)]);
    expect(results[0]?.truncated).toBe(true);
    expect(results[0]?.command).toBe("SELECT");
  });

  it("runs CREATE SUBSCRIPTION outside a transaction block, as psql does, with the publisher's notice", async () => {
    const master = await nodeConninfo("master");
    await query(
      "master",
      "CREATE TABLE IF NOT EXISTS subcheck(id int PRIMARY KEY); CREATE PUBLICATION subcheck_pub FOR TABLE subcheck",
    );
    await query("slave3", "CREATE TABLE IF NOT EXISTS subcheck(id int PRIMARY KEY)");
    const { results, error } = await query(
      "slave3",
      `CREATE SUBSCRIPTION subcheck_sub CONNECTION '${master}' PUBLICATION subcheck_pub`,
    );
    expect(error).toBeUndefined();
    expect(results[0]?.notices[0]?.message).toBe('created replication slot "subcheck_sub" on publisher');
    await query("master", "INSERT INTO subcheck VALUES (7)");
    await waitFor(async () => (await direct("slave3", "SELECT id FROM subcheck")).length === 1);
    expect((await query("slave3", "DROP SUBSCRIPTION subcheck_sub")).error).toBeUndefined();
    await query("master", "DROP PUBLICATION subcheck_pub; DROP TABLE subcheck");
    await query("slave3", "DROP TABLE subcheck");
  });

  it("survives COPY in a cell: TO STDOUT runs without output, FROM STDIN is refused with a reason", async () => {
    const out = await query("master", "COPY (SELECT 1 UNION SELECT 2) TO STDOUT; SELECT 'still here' AS bridge");
    expect(out.error).toBeUndefined();
    expect(out.results.map((r) => r.command)).toEqual(["COPY", "SELECT"]);
    expect(out.results[1]?.rows).toEqual([["still here"]]);
    await query("master", "CREATE TEMP TABLE copy_in(n int)");
    const into = await query("master", "CREATE TABLE IF NOT EXISTS copy_in(n int); COPY copy_in FROM STDIN");
    expect(into.error?.message).toContain("a cell can't send COPY data");
    expect((await query("master", "SELECT 1")).error).toBeUndefined();
    await query("master", "DROP TABLE copy_in");
  });

  it("stops a statement that runs past statement_timeout", async () => {
    const { error } = await query("master", "SELECT pg_sleep(60)");
    expect(error).toMatchObject({ code: "57014", message: "canceling statement due to statement timeout" });
  });

  it("cancels a running query on the server when asked", async () => {
    const id = randomUUID();
    const running = query("slave2", "SELECT pg_sleep(20)", id);
    await waitFor(
      async () =>
        (await direct("slave2", "SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(20)'")).length > 0,
    );
    const cancel = await call("/api/cancel", { id });
    expect(cancel.json).toEqual({ id, cancelled: true });
    const { error } = await running;
    expect(error).toMatchObject({ code: "57014", message: "canceling statement due to user request" });
    const left = await direct(
      "slave2",
      "SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(20)' AND state = 'active'",
    );
    expect(left).toHaveLength(0);
  });

  it("cancels the backend when the caller hangs up", async () => {
    const controller = new AbortController();
    const request = fetch(`${inject("bridgeUrl")}/api/query`, {
      method: "POST",
      headers: { Authorization: `Bearer ${inject("token")}`, "Content-Type": "application/json" },
      body: JSON.stringify({ node: "master", sql: "SELECT pg_sleep(25) /* hang-up */" }),
      signal: controller.signal,
    }).catch(() => null);
    const active =
      "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%hang-up%' AND state = 'active' AND pid <> pg_backend_pid()";
    await waitFor(async () => (await direct("master", active)).length > 0);
    controller.abort();
    await request;
    await waitFor(async () => (await direct("master", active)).length === 0, 3000);
  });

  it("rolls back a transaction left open by a cell, and says so", async () => {
    await query("master", "CREATE TABLE IF NOT EXISTS open_tx(n int)");
    const { results } = await query("master", "BEGIN; INSERT INTO open_tx VALUES (1)");
    expect(results[1]?.notices[0]).toMatchObject({
      severity: "WARNING",
      message: "The cell ended inside a transaction, so the lab rolled it back.",
    });
    expect(await direct("master", "SELECT * FROM open_tx")).toHaveLength(0);
    await query("master", "DROP TABLE open_tx");
  });

  it("keeps one cell's SET from leaking into the next cell", async () => {
    await query("master", "SET application_name = 'leaky'");
    for (let i = 0; i < 5; i++) {
      const { results } = await query("master", "SHOW application_name");
      expect(results[0]?.rows[0]?.[0]).not.toBe("leaky");
    }
  });

  it("refuses a cell with nothing to run, or for a node that doesn't exist", async () => {
    expect((await call("/api/query", { node: "master", sql: "  " })).status).toBe(400);
    const unknown = await call("/api/query", { node: "slave9", sql: "SELECT 1" });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain("master, slave1, slave2, slave3");
  });
});

describe("a malformed POST /api/query is 400 with code LAB08, naming the field and what it expected", () => {
  const cases: [string, unknown, string][] = [
    [
      "an unknown node",
      { node: "slave9", sql: "SELECT 1" },
      "node: expected one of master, slave1, slave2, slave3, standby.",
    ],
    [
      "a node of the wrong type",
      { node: 1, sql: "SELECT 1" },
      "node: expected one of master, slave1, slave2, slave3, standby.",
    ],
    ["no sql", { node: "master" }, "sql: expected a string, got nothing."],
    ["sql as an array", { node: "master", sql: ["SELECT 1"] }, "sql: expected a string, got an array."],
    ["sql of white space", { node: "master", sql: " \n " }, "sql: expected SQL to run, got only white space."],
    ["too much sql", { node: "master", sql: "x".repeat(100_001) }, "sql: expected at most 100000 characters of SQL."],
    ["an id that is a number", { node: "master", sql: "SELECT 1", id: 7 }, "id: expected a string, got a number."],
    [
      "an id too long",
      { node: "master", sql: "SELECT 1", id: "i".repeat(101) },
      "id: expected at most 100 characters.",
    ],
    ["an array for a body", [{ node: "master", sql: "SELECT 1" }], "body: expected a JSON object, got an array."],
    [
      "a huge extra field",
      { node: "master", sql: "SELECT 1", [`x${"y".repeat(1000)}`]: "z".repeat(100_000) },
      `x${"y".repeat(39)}...: not an expected field.`,
    ],
    [
      "several fields wrong at once",
      { node: "slave9", sql: 1 },
      "node: expected one of master, slave1, slave2, slave3, standby; sql: expected a string, got a number.",
    ],
  ];
  for (const [what, body, message] of cases) {
    it(what, async () => {
      const { status, json } = await call("/api/query", JSON.stringify(body));
      expect({ status, json }).toEqual({ status: 400, json: { error: { status: 400, message, code: "LAB08" } } });
    });
  }

  it("POST /api/cancel without an id is refused the same way", async () => {
    const { status, json } = await call("/api/cancel", {});
    const message = "id: expected a string, got nothing.";
    expect({ status, json }).toEqual({ status: 400, json: { error: { status: 400, message, code: "LAB08" } } });
  });
});
