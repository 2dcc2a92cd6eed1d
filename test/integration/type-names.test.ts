// One table of built-in type names serves the results (server/db/type-names.ts) and psql's describe commands
// (server/psql/describe/catalog.ts). Checked here against a real PostgreSQL 18: the table says what the server
// says, and both uses name a column of each of its types the same.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILT_IN_TYPE_NAMES, TypeNames } from "../../server/db/type-names.ts";
import { catalog } from "../../server/psql/describe/catalog.ts";
import { nodeLogin } from "../support/bridge.ts";

const OIDS = Object.keys(BUILT_IN_TYPE_NAMES).map(Number);
let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client(nodeLogin("master"));
  await client.connect();
});

afterAll(() => client.end());

/** Each type of the table as the server knows it: what format_type(oid, NULL) calls it, and its pg_type name. */
async function serverTypes(): Promise<{ oid: number; name: string; typname: string }[]> {
  const { rows } = await client.query<{ oid: number; name: string; typname: string }>(
    "SELECT oid::int AS oid, format_type(oid, NULL) AS name, quote_ident(typname) AS typname FROM pg_type " +
      "WHERE oid = ANY ($1::oid[])",
    [OIDS],
  );
  return rows;
}

describe("the built-in type names", () => {
  it("are PostgreSQL 18's own, as format_type(oid, NULL) gives them", async () => {
    const types = await serverTypes();
    expect(Object.fromEntries(types.map((type) => [type.oid, type.name]))).toEqual(BUILT_IN_TYPE_NAMES);
  });

  it("name a column of each type alike in a result and in a describe command's catalog query", async () => {
    // By pg_type's name, which takes no modifier: `NULL::character` would be a character(1).
    const typnames = new Map((await serverTypes()).map((type) => [type.oid, type.typname]));
    const sql = `SELECT ${OIDS.map((oid) => `NULL::pg_catalog.${typnames.get(oid)} AS "${oid}"`).join(", ")}`;
    const result = await client.query(sql);
    expect(result.fields.map((field) => field.dataTypeID)).toEqual(OIDS);
    const expected = OIDS.map((oid) => BUILT_IN_TYPE_NAMES[oid]);
    expect(await new TypeNames().names(client, result.fields)).toEqual(expected);
    expect((await catalog(client, sql)).fields.map((field) => field.type)).toEqual(expected);
  });

  it("leave a type outside the table, or one with a modifier, to the server", async () => {
    const sql = "SELECT NULL::regtype AS a, NULL::bit AS b, 'x'::varchar(10) AS c, 'y'::char(3) AS d";
    const result = await client.query(sql);
    expect(await new TypeNames().names(client, result.fields)).toEqual([
      "regtype",
      "bit(1)",
      "character varying(10)",
      "character(3)",
    ]);
    expect((await catalog(client, sql)).fields.map((field) => field.type)).toEqual([
      "regtype",
      "bit",
      "character varying",
      "character",
    ]);
  });
});
