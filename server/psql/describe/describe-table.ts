// \d NAME and \d+ NAME: describeTableDetails and describeOneTableDetails in psql 18's describe.c. Tables,
// views, indexes, sequences, composite types and the other relation kinds each get their own title,
// columns and footers, as psql prints them.
import { catalog, value } from "./catalog.ts";
import { MetaError } from "./errors.ts";
import { Params, patternConditions, whereClause } from "./pattern.ts";
import { describeSequence } from "./sequence.ts";
import type { MetaOutput, Session } from "./session.ts";
import { indexFooters } from "./index-footer.ts";
import { tableFooters } from "./table-footers.ts";
import type { TableInfo } from "./table-info.ts";

/** psql hides system schemas only when no pattern is given, so \dS NAME describes the same as \d NAME. */
export async function describeRelations(session: Session, pattern: string, verbose: boolean): Promise<MetaOutput[]> {
  if (session.version < 100000) throw new MetaError("The lab describes relations on PostgreSQL 10 or newer only.");
  const params = new Params();
  const conditions = await patternConditions(
    pattern,
    { schema: "n.nspname", name: "c.relname", visibility: "pg_catalog.pg_table_is_visible(c.oid)", maxParts: 3 },
    params,
    session.database,
  );
  const sql =
    "SELECT c.oid,\n  n.nspname,\n  c.relname\nFROM pg_catalog.pg_class c\n" +
    "     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n" +
    `${whereClause(conditions)}ORDER BY 2, 3;`;
  const { rows } = await catalog(session.client, sql, params.values);
  if (rows.length === 0) throw new MetaError(`Did not find any relation named "${pattern}".`);
  const outputs: MetaOutput[] = [];
  for (const row of rows) {
    outputs.push(await describeRelation(session, value(row, 0), value(row, 1), value(row, 2), verbose));
  }
  return outputs;
}

async function describeRelation(
  session: Session,
  oid: string,
  schema: string,
  name: string,
  verbose: boolean,
): Promise<MetaOutput> {
  const info = await tableInfo(session, oid, schema, name, verbose);
  if (info.kind === "S") return describeSequence(session, info);

  const kind = info.kind;
  const columnDetails = ["r", "v", "m", "f", "c", "p"].includes(kind);
  const isIndex = kind === "i" || kind === "I";
  const columns = ["a.attname", "pg_catalog.format_type(a.atttypid, a.atttypmod)"];
  const headers = ["Column", "Type"];
  const at: Record<string, number> = {};
  const add = (key: string, sql: string) => {
    at[key] = columns.length;
    columns.push(sql);
  };
  if (columnDetails) {
    add(
      "default",
      "(SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)\n   FROM pg_catalog.pg_attrdef d\n" +
        "   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef)",
    );
    add("notNull", "a.attnotnull");
    add(
      "collation",
      "(SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t\n" +
        "   WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation",
    );
    add("identity", "a.attidentity");
    add("generated", session.version >= 120000 ? "a.attgenerated" : "''::pg_catalog.char AS attgenerated");
    headers.push("Collation", "Nullable", "Default");
  }
  const params = new Params();
  const relation = params.add(oid);
  if (isIndex) {
    if (session.version >= 110000) {
      add(
        "isKey",
        `CASE WHEN a.attnum <= (SELECT i.indnkeyatts FROM pg_catalog.pg_index i WHERE i.indexrelid = ` +
          `${relation}) THEN 'yes' ELSE 'no' END AS is_key`,
      );
      headers.push("Key?");
    }
    add("indexDef", "pg_catalog.pg_get_indexdef(a.attrelid, a.attnum, TRUE) AS indexdef");
    headers.push("Definition");
  }
  if (kind === "f") {
    add(
      "fdwOptions",
      "CASE WHEN attfdwoptions IS NULL THEN '' ELSE   '(' || pg_catalog.array_to_string(ARRAY(SELECT " +
        "pg_catalog.quote_ident(option_name) || ' ' || pg_catalog.quote_literal(option_value)  FROM   " +
        "pg_catalog.pg_options_to_table(attfdwoptions)), ', ') || ')' END AS attfdwoptions",
    );
    headers.push("FDW options");
  }
  if (verbose) {
    add("storage", "a.attstorage");
    headers.push("Storage");
    if (session.version >= 140000 && ["r", "p", "m"].includes(kind)) {
      add("compression", "a.attcompression AS attcompression");
      headers.push("Compression");
    }
    if (["r", "i", "I", "m", "f", "p"].includes(kind)) {
      add("statsTarget", "CASE WHEN a.attstattarget=-1 THEN NULL ELSE a.attstattarget END AS attstattarget");
      headers.push("Stats target");
    }
    if (["r", "v", "m", "f", "c", "p"].includes(kind)) {
      add("description", "pg_catalog.col_description(a.attrelid, a.attnum)");
      headers.push("Description");
    }
  }
  const { rows } = await catalog(
    session.client,
    `SELECT ${columns.join(",\n  ")}\nFROM pg_catalog.pg_attribute a\n` +
      `WHERE a.attrelid = ${relation} AND a.attnum > 0 AND NOT a.attisdropped\nORDER BY a.attnum;`,
    params.values,
  );

  const cell = (row: (string | null)[], key: string) => value(row, at[key] ?? -1);
  const cells = rows.map((row) => {
    const line = [value(row, 0), value(row, 1)];
    if (columnDetails)
      line.push(cell(row, "collation"), cell(row, "notNull") === "t" ? "not null" : "", defaultOf(row, cell));
    if (at.isKey !== undefined) line.push(cell(row, "isKey"));
    if (at.indexDef !== undefined) line.push(cell(row, "indexDef"));
    if (at.fdwOptions !== undefined) line.push(cell(row, "fdwOptions"));
    if (at.storage !== undefined) line.push(STORAGE[cell(row, "storage")] ?? "???");
    if (at.compression !== undefined) line.push(COMPRESSION[cell(row, "compression")] ?? "???");
    if (at.statsTarget !== undefined) line.push(cell(row, "statsTarget"));
    if (at.description !== undefined) line.push(cell(row, "description"));
    return line;
  });

  const footers = isIndex ? await indexFooters(session, info) : await tableFooters(session, info, verbose);
  return {
    title: titleOf(info),
    fields: headers.map((header) => ({ name: header, type: "text" })),
    rows: cells,
    ...(footers.length > 0 ? { footers } : {}),
    showRowCount: false,
    // psql prints a relation's description unexpanded even under \x: "This output looks confusing in expanded mode."
    expanded: false,
  };
}

const STORAGE: Record<string, string> = { p: "plain", m: "main", x: "extended", e: "external" };
const COMPRESSION: Record<string, string> = { p: "pglz", l: "lz4", "": "" };

function defaultOf(row: (string | null)[], cell: (row: (string | null)[], key: string) => string): string {
  const identity = cell(row, "identity");
  const generated = cell(row, "generated");
  if (identity === "a") return "generated always as identity";
  if (identity === "d") return "generated by default as identity";
  if (generated === "s") return `generated always as (${cell(row, "default")}) stored`;
  if (generated === "v") return `generated always as (${cell(row, "default")})`;
  return cell(row, "default");
}

function titleOf(info: TableInfo): string {
  const name = `"${info.schema}.${info.name}"`;
  const unlogged = info.persistence === "u" ? "Unlogged " : "";
  switch (info.kind) {
    case "r":
      return `${unlogged}${unlogged ? "table" : "Table"} ${name}`;
    case "v":
      return `View ${name}`;
    case "m":
      return `Materialized view ${name}`;
    case "i":
      return `${unlogged}${unlogged ? "index" : "Index"} ${name}`;
    case "I":
      return `${unlogged}${unlogged ? "partitioned index" : "Partitioned index"} ${name}`;
    case "t":
      return `TOAST table ${name}`;
    case "c":
      return `Composite type ${name}`;
    case "f":
      return `Foreign table ${name}`;
    case "p":
      return `${unlogged}${unlogged ? "partitioned table" : "Partitioned table"} ${name}`;
    default:
      return `?${info.kind}? ${name}`;
  }
}

async function tableInfo(
  session: Session,
  oid: string,
  schema: string,
  name: string,
  verbose: boolean,
): Promise<TableInfo> {
  const options = verbose
    ? "pg_catalog.array_to_string(c.reloptions || array(select 'toast.' || x from " +
      "pg_catalog.unnest(tc.reloptions) x), ', ')\n"
    : "''";
  const since12 = session.version >= 120000;
  const { rows } = await catalog(
    session.client,
    "SELECT c.relchecks, c.relkind, c.relhasindex, c.relhasrules, c.relhastriggers, c.relrowsecurity, " +
      "c.relforcerowsecurity, " +
      `${since12 ? "false AS relhasoids" : "c.relhasoids"}, c.relispartition, ${options}, c.reltablespace, ` +
      "CASE WHEN c.reloftype = 0 THEN '' ELSE c.reloftype::pg_catalog.regtype::pg_catalog.text END, " +
      `c.relpersistence, c.relreplident${since12 ? ", am.amname" : ""}\nFROM pg_catalog.pg_class c\n ` +
      "LEFT JOIN pg_catalog.pg_class tc ON (c.reltoastrelid = tc.oid)\n" +
      (since12 ? "LEFT JOIN pg_catalog.pg_am am ON (c.relam = am.oid)\n" : "") +
      "WHERE c.oid = $1;",
    [oid],
  );
  const row = rows[0];
  if (!row) throw new MetaError(`Did not find any relation with OID ${oid}.`);
  return {
    oid,
    schema,
    name,
    checks: Number(value(row, 0)),
    kind: value(row, 1),
    hasIndex: value(row, 2) === "t",
    hasRules: value(row, 3) === "t",
    hasTriggers: value(row, 4) === "t",
    rowSecurity: value(row, 5) === "t",
    forceRowSecurity: value(row, 6) === "t",
    hasOids: value(row, 7) === "t",
    isPartition: value(row, 8) === "t",
    reloptions: value(row, 9),
    tablespace: value(row, 10),
    ofType: value(row, 11),
    persistence: value(row, 12),
    replicaIdentity: value(row, 13),
    accessMethod: since12 ? (row[14] ?? null) : null,
  };
}
