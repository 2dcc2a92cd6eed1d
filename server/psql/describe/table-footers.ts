// The lines psql 18 prints under \d NAME's columns, in describe.c's order: partition facts, indexes,
// constraints, references, policies, statistics, rules, publications, triggers, inheritance, tablespace.
import { catalog, isNull, value } from "./catalog.ts";
import { checkConstraints, foreignKeys, indexes, notNullConstraints, referencedBy } from "./constraint-footers.ts";
import type { TableInfo } from "./table-info.ts";
import { children, inherits, owningTable, partitionKey, partitionOf } from "./hierarchy-footers.ts";
import { policies, rules, triggers } from "./rule-footers.ts";
import type { Session } from "./session.ts";
import { addTablespace } from "./tablespace.ts";

/** Footers of tables, views, materialized views, foreign and partitioned tables, composite types. */
export async function tableFooters(session: Session, info: TableInfo, verbose: boolean): Promise<string[]> {
  const footers: string[] = [];
  const kind = info.kind;
  const tableLike = ["r", "m", "f", "p", "I", "t"].includes(kind);
  if (info.isPartition) footers.push(...(await partitionOf(session, info, verbose)));
  if (kind === "p") footers.push(...(await partitionKey(session, info)));
  if (kind === "t") footers.push(...(await owningTable(session, info)));
  if (tableLike) {
    if (info.hasIndex) footers.push(...(await indexes(session, info)));
    if (info.checks > 0) footers.push(...(await checkConstraints(session, info)));
    if (info.hasTriggers || kind === "p") {
      footers.push(...(await foreignKeys(session, info)));
      footers.push(...(await referencedBy(session, info)));
    }
    footers.push(...(await policies(session, info)));
    footers.push(...(await statistics(session, info)));
    if (info.hasRules && kind !== "m") footers.push(...(await rules(session, info)));
    footers.push(...(await publications(session, info)));
    if (verbose) footers.push(...(await notNullConstraints(session, info)));
  }
  if ((kind === "v" || kind === "m") && verbose) footers.push(...(await viewDefinition(session, info)));
  if (info.hasTriggers) footers.push(...(await triggers(session, info)));
  if (tableLike) {
    if (kind === "f") footers.push(...(await foreignServer(session, info)));
    footers.push(...(await inherits(session, info)));
    footers.push(...(await children(session, info, verbose)));
    if (info.ofType) footers.push(`Typed table of type: ${info.ofType}`);
    footers.push(...replicaIdentity(info, verbose));
    if (verbose && kind !== "m" && info.hasOids) footers.push("Has OIDs: yes");
    await addTablespace(session, footers, info.tablespace, true, kind);
    if (verbose && info.accessMethod !== null) footers.push(`Access method: ${info.accessMethod}`);
  }
  if (verbose && info.reloptions) footers.push(`Options: ${info.reloptions}`);
  return footers;
}

async function statistics(session: Session, info: TableInfo): Promise<string[]> {
  const since14 = session.version >= 140000;
  const sql = since14
    ? "SELECT oid, stxrelid::pg_catalog.regclass, stxnamespace::pg_catalog.regnamespace::pg_catalog.text " +
      "AS nsp, stxname,\n" +
      "pg_catalog.pg_get_statisticsobjdef_columns(oid) AS columns,\n  'd' = any(stxkind) AS ndist_enabled,\n" +
      "  'f' = any(stxkind) AS deps_enabled,\n  'm' = any(stxkind) AS mcv_enabled,\nstxstattarget\n" +
      "FROM pg_catalog.pg_statistic_ext\nWHERE stxrelid = $1\nORDER BY nsp, stxname;"
    : "SELECT oid, stxrelid::pg_catalog.regclass, stxnamespace::pg_catalog.regnamespace AS nsp, stxname,\n" +
      "  (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(attname),', ')\n   FROM " +
      "pg_catalog.unnest(stxkeys) s(attnum)\n" +
      "   JOIN pg_catalog.pg_attribute a ON (stxrelid = a.attrelid AND\n        a.attnum = s.attnum AND " +
      "NOT attisdropped)) AS columns,\n" +
      "  'd' = any(stxkind) AS ndist_enabled,\n  'f' = any(stxkind) AS deps_enabled,\n  'm' = any(stxkind) " +
      "AS mcv_enabled,\n" +
      (session.version >= 130000 ? "  stxstattarget\n" : "  -1 AS stxstattarget\n") +
      "FROM pg_catalog.pg_statistic_ext\nWHERE stxrelid = $1\nORDER BY 1;";
  const { rows } = await catalog(session.client, sql, [info.oid]);
  if (rows.length === 0) return [];
  const footers = ["Statistics objects:"];
  for (const row of rows) {
    const kinds = [
      [value(row, 5) === "t", "ndistinct"],
      [value(row, 6) === "t", "dependencies"],
      [value(row, 7) === "t", "mcv"],
    ] as const;
    const chosen = kinds.filter(([on]) => on).map(([, name]) => name);
    let line = `    "${value(row, 2)}.${value(row, 3)}"`;
    // From 14, psql leaves out the kinds when all or none are on: CREATE STATISTICS's default, or an expression.
    if (!since14 || (chosen.length > 0 && chosen.length < kinds.length)) line += ` (${chosen.join(", ")})`;
    line += ` ON ${value(row, 4)} FROM ${value(row, 1)}`;
    if (!isNull(row, 8) && value(row, 8) !== "-1") line += `; STATISTICS ${value(row, 8)}`;
    footers.push(line);
  }
  return footers;
}

async function publications(session: Session, info: TableInfo): Promise<string[]> {
  const sql =
    session.version >= 150000
      ? "SELECT pubname\n     , NULL\n     , NULL\nFROM pg_catalog.pg_publication p\n" +
        "     JOIN pg_catalog.pg_publication_namespace pn ON p.oid = pn.pnpubid\n" +
        "     JOIN pg_catalog.pg_class pc ON pc.relnamespace = pn.pnnspid\n" +
        "WHERE pc.oid = $1 and pg_catalog.pg_relation_is_publishable($1)\nUNION\n" +
        "SELECT pubname\n     , pg_get_expr(pr.prqual, c.oid)\n     , (CASE WHEN pr.prattrs IS NOT NULL THEN\n" +
        "         (SELECT string_agg(attname, ', ')\n" +
        "           FROM pg_catalog.generate_series(0, pg_catalog.array_upper(pr.prattrs::pg_catalog.int2[], 1)) s,\n" +
        "                pg_catalog.pg_attribute\n          WHERE attrelid = pr.prrelid AND attnum = prattrs[s])\n" +
        "        ELSE NULL END) FROM pg_catalog.pg_publication p\n" +
        "     JOIN pg_catalog.pg_publication_rel pr ON p.oid = pr.prpubid\n" +
        "     JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid\nWHERE pr.prrelid = $1\nUNION\n" +
        "SELECT pubname\n     , NULL\n     , NULL\nFROM pg_catalog.pg_publication p\n" +
        "WHERE p.puballtables AND pg_catalog.pg_relation_is_publishable($1)\nORDER BY 1;"
      : "SELECT pubname\n     , NULL\n     , NULL\nFROM pg_catalog.pg_publication p\n" +
        "JOIN pg_catalog.pg_publication_rel pr ON p.oid = pr.prpubid\nWHERE pr.prrelid = $1\nUNION ALL\n" +
        "SELECT pubname\n     , NULL\n     , NULL\nFROM pg_catalog.pg_publication p\n" +
        "WHERE p.puballtables AND pg_catalog.pg_relation_is_publishable($1)\nORDER BY 1;";
  const { rows } = await catalog(session.client, sql, [info.oid]);
  if (rows.length === 0) return [];
  const footers = ["Publications:"];
  for (const row of rows) {
    let line = `    "${value(row, 0)}"`;
    if (!isNull(row, 2)) line += ` (${value(row, 2)})`;
    if (!isNull(row, 1)) line += ` WHERE ${value(row, 1)}`;
    footers.push(line);
  }
  return footers;
}

async function viewDefinition(session: Session, info: TableInfo): Promise<string[]> {
  const definition = await catalog(session.client, "SELECT pg_catalog.pg_get_viewdef($1::pg_catalog.oid, true);", [
    info.oid,
  ]);
  if (definition.rows.length === 0) return [];
  const footers = ["View definition:", value(definition.rows[0], 0)];
  if (info.hasRules) {
    const { rows } = await catalog(
      session.client,
      "SELECT r.rulename, trim(trailing ';' from pg_catalog.pg_get_ruledef(r.oid, true))\n" +
        "FROM pg_catalog.pg_rewrite r\nWHERE r.ev_class = $1 AND r.rulename != '_RETURN' ORDER BY 1;",
      [info.oid],
    );
    if (rows.length > 0) footers.push("Rules:", ...rows.map((row) => ` ${value(row, 1).slice(12)}`));
  }
  return footers;
}

async function foreignServer(session: Session, info: TableInfo): Promise<string[]> {
  const { rows } = await catalog(
    session.client,
    "SELECT s.srvname,\n  pg_catalog.array_to_string(ARRAY(\n    SELECT " +
      "pg_catalog.quote_ident(option_name) || ' ' || pg_catalog.quote_literal(option_value)\n" +
      "    FROM pg_catalog.pg_options_to_table(ftoptions)),  ', ')\nFROM pg_catalog.pg_foreign_table f,\n" +
      "     pg_catalog.pg_foreign_server s\nWHERE f.ftrelid = $1 AND s.oid = f.ftserver;",
    [info.oid],
  );
  const row = rows[0];
  if (rows.length !== 1 || !row) return [];
  const footers = [`Server: ${value(row, 0)}`];
  if (value(row, 1)) footers.push(`FDW options: (${value(row, 1)})`);
  return footers;
}

/**
 * Shown by \d+ only when it is not the default (an index used as replica identity is marked in Indexes:).
 * psql 18's describe.c labels REPLICA_IDENTITY_DEFAULT, not NOTHING, as "NOTHING", so a user table with
 * REPLICA IDENTITY NOTHING shows `???` there, where psql 15 showed `NOTHING`; this follows 18's source.
 */
function replicaIdentity(info: TableInfo, verbose: boolean): string[] {
  const identity = info.replicaIdentity;
  const unusual = info.schema === "pg_catalog" ? identity !== "n" : identity !== "d";
  if (!verbose || !(info.kind === "r" || info.kind === "m") || identity === "i" || !unusual) return [];
  return [`Replica Identity: ${identity === "f" ? "FULL" : identity === "d" ? "NOTHING" : "???"}`];
}
