// \d with no name, \dt, \di, \dv, \dm, \ds, \dE and their mixes (\dti): listTables in psql 18's describe.c.
import { catalog } from "./catalog.ts";
import { MetaError } from "./errors.ts";
import { Params, patternConditions } from "./pattern.ts";
import type { MetaOutput, Session } from "./session.ts";

const KINDS = [
  { letter: "t", noun: "tables" },
  { letter: "i", noun: "indexes" },
  { letter: "v", noun: "views" },
  { letter: "m", noun: "materialized views" },
  { letter: "s", noun: "sequences" },
  { letter: "E", noun: "foreign tables" },
] as const;

/** `letters` are the command's letters after the `d`, e.g. `t+`, `tiS`; none means \d's `tvmsE`. */
export async function listRelations(
  session: Session,
  letters: string,
  pattern: string | undefined,
): Promise<MetaOutput[]> {
  const verbose = letters.includes("+");
  const system = letters.includes("S");
  let chosen = KINDS.filter((kind) => letters.includes(kind.letter));
  const kindCount = chosen.length;
  if (kindCount === 0) chosen = KINDS.filter((kind) => kind.letter !== "i");
  const shows = (letter: string) => chosen.some((kind) => kind.letter === letter);

  const columns = [
    `n.nspname as "Schema"`,
    `c.relname as "Name"`,
    "CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN " +
      "'i' THEN 'index'" +
      " WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN " +
      "'partitioned table'" +
      ` WHEN 'I' THEN 'partitioned index' END as "Type"`,
    `pg_catalog.pg_get_userbyid(c.relowner) as "Owner"`,
  ];
  if (shows("i")) columns.push(`c2.relname as "Table"`);
  const withAccessMethod = session.version >= 120000 && (shows("t") || shows("m") || shows("i"));
  if (verbose) {
    columns.push(
      `CASE c.relpersistence WHEN 'p' THEN 'permanent' WHEN 't' THEN 'temporary' WHEN 'u' THEN 'unlogged' ` +
        `END as "Persistence"`,
    );
    if (withAccessMethod) columns.push(`am.amname as "Access method"`);
    columns.push(
      `pg_catalog.pg_size_pretty(pg_catalog.pg_table_size(c.oid)) as "Size"`,
      `pg_catalog.obj_description(c.oid, 'pg_class') as "Description"`,
    );
  }

  let sql =
    `SELECT ${columns.join(",\n  ")}\nFROM pg_catalog.pg_class c\n     LEFT JOIN pg_catalog.pg_namespace ` +
    `n ON n.oid = c.relnamespace`;
  if (withAccessMethod) sql += "\n     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam";
  if (shows("i")) {
    sql +=
      "\n     LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid\n     LEFT JOIN pg_catalog.pg_class " +
      "c2 ON i.indrelid = c2.oid";
  }
  const relkinds: string[] = [];
  if (shows("t")) {
    relkinds.push("r", "p");
    // With S or a pattern, psql lets \dt match TOAST tables too.
    if (system || pattern !== undefined) relkinds.push("t");
  }
  if (shows("v")) relkinds.push("v");
  if (shows("m")) relkinds.push("m");
  if (shows("i")) relkinds.push("i", "I");
  if (shows("s")) relkinds.push("S");
  if (system || pattern !== undefined) relkinds.push("s");
  if (shows("E")) relkinds.push("f");
  sql += `\nWHERE c.relkind IN (${[...relkinds.map((kind) => `'${kind}'`), "''"].join(",")})\n`;
  const conditions: string[] = [];
  if (!system && pattern === undefined) {
    conditions.push("n.nspname <> 'pg_catalog'", "n.nspname !~ '^pg_toast'", "n.nspname <> 'information_schema'");
  }
  const params = new Params();
  conditions.push(
    ...(await patternConditions(
      pattern,
      { schema: "n.nspname", name: "c.relname", visibility: "pg_catalog.pg_table_is_visible(c.oid)", maxParts: 3 },
      params,
      session.database,
    )),
  );
  sql += conditions.map((condition) => `      AND ${condition}\n`).join("") + "ORDER BY 1,2;";

  const { fields, rows } = await catalog(session.client, sql, params.values);
  const only = kindCount === 1 ? chosen[0] : undefined;
  if (rows.length === 0) {
    const noun = only?.noun ?? "relations";
    // psql's listTables says so and returns success, unlike \d NAME and \dRp+, whose "Did not find" fails.
    throw new MetaError(
      pattern !== undefined ? `Did not find any ${noun} named "${pattern}".` : `Did not find any ${noun}.`,
      undefined,
      { reportOnly: true },
    );
  }
  return [{ title: `List of ${only?.noun ?? "relations"}`, fields, rows, showRowCount: true }];
}
