import { describe, expect, it } from "vitest";
import { splitSql } from "../../server/psql/split-sql.ts";

const texts = (sql: string) => splitSql(sql).map((piece) => (piece.kind === "sql" ? piece.text : `\\${piece.command}`));

describe("splitting a cell into statements, as psql does", () => {
  it("splits at semicolons and keeps each statement's place", () => {
    const sql = "SELECT 1;  SELECT 2 ;\nSELECT 3";
    const pieces = splitSql(sql);
    expect(texts(sql)).toEqual(["SELECT 1", "SELECT 2", "SELECT 3"]);
    for (const piece of pieces) expect(sql.slice(piece.start, piece.end)).toBe(piece.kind === "sql" ? piece.text : "");
  });

  it("ignores semicolons in strings, quoted names, comments and dollar quotes", () => {
    const sql = [
      "SELECT 'a;b', \"we;ird\" FROM t -- not; here\n",
      "/* nested /* ; */ still comment; */ SELECT 2",
      "DO $$ BEGIN RAISE NOTICE 'x;y'; END $$",
      "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
      "SELECT E'it\\'s; fine'",
      "SELECT 'it''s; fine'",
    ].join(";\n");
    expect(texts(sql)).toHaveLength(6);
  });

  it("does not split inside parentheses", () => {
    expect(texts("CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2); SELECT 3")).toEqual([
      "CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2)",
      "SELECT 3",
    ]);
  });

  it("does not take $1 or a$b for dollar quotes", () => {
    expect(texts("SELECT a$b FROM t; SELECT $1; SELECT 2")).toEqual(["SELECT a$b FROM t", "SELECT $1", "SELECT 2"]);
  });

  it("skips pieces that hold only whitespace or comments", () => {
    expect(texts(";;  -- just a comment\n; /* and this */ ;SELECT 1;;")).toEqual(["SELECT 1"]);
  });

  it("takes a backslash line as a meta-command, with its arguments", () => {
    const pieces = splitSql("\\dRp+ userpub\nSELECT 1;");
    expect(pieces[0]).toMatchObject({ kind: "meta", command: "dRp+", args: ["userpub"], buffer: null });
    expect(pieces[1]).toMatchObject({ kind: "sql", text: "SELECT 1" });
  });

  it("keeps a quoted meta-command argument whole, as psql does", () => {
    expect(splitSql('\\d "Mixed Case"')[0]).toMatchObject({ kind: "meta", command: "d", args: ['"Mixed Case"'] });
    expect(splitSql("\\dRp+ 'user pub' other")[0]).toMatchObject({ args: ["user pub", "other"] });
  });

  it("gives \\watch the query typed before it, as psql's query buffer", () => {
    const pieces = splitSql("SELECT count(*) FROM users\n\\watch 1");
    expect(pieces).toHaveLength(1);
    expect(pieces[0]).toMatchObject({
      kind: "meta",
      command: "watch",
      args: ["1"],
      buffer: { text: "SELECT count(*) FROM users" },
    });
  });

  it("leaves a backslash inside a string alone", () => {
    expect(texts("SELECT '\\dRp+'")).toEqual(["SELECT '\\dRp+'"]);
  });

  it("keeps an unterminated string or comment as one last statement for the server to reject", () => {
    expect(texts("SELECT 1; SELECT 'open; SELECT 2")).toEqual(["SELECT 1", "SELECT 'open; SELECT 2"]);
  });
});
