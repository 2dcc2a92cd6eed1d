// \dRp and \dRp+: listPublications and describePublications in psql 18's describe.c.
import { catalog, value } from "./catalog.ts";
import { MetaError } from "./errors.ts";
import { Params, patternConditions, whereClause } from "./pattern.ts";
import { versionName, type MetaOutput, type Session } from "./session.ts";

function requirePublications(session: Session) {
  if (session.version < 100000) {
    throw new MetaError(`The server (version ${versionName(session.version)}) does not support publications.`);
  }
}

/** 18's pubgencols is a char, shown as the publish_generated_columns setting's own words. */
const GENERATED_COLUMNS = "(CASE pubgencols\n    WHEN 'n' THEN 'none'\n    WHEN 's' THEN 'stored'\n   END)";

export async function listPublications(session: Session, pattern: string | undefined): Promise<MetaOutput[]> {
  requirePublications(session);
  const { version } = session;
  const params = new Params();
  const columns = [
    `pubname AS "Name"`,
    `pg_catalog.pg_get_userbyid(pubowner) AS "Owner"`,
    `puballtables AS "All tables"`,
    `pubinsert AS "Inserts"`,
    `pubupdate AS "Updates"`,
    `pubdelete AS "Deletes"`,
  ];
  if (version >= 110000) columns.push(`pubtruncate AS "Truncates"`);
  if (version >= 180000) columns.push(`${GENERATED_COLUMNS} AS "Generated columns"`);
  if (version >= 130000) columns.push(`pubviaroot AS "Via root"`);
  const where = await patternConditions(pattern, { name: "pubname", maxParts: 1 }, params, session.database);
  const sql = `SELECT ${columns.join(",\n  ")}\nFROM pg_catalog.pg_publication\n${whereClause(where)}ORDER BY 1;`;
  const { fields, rows } = await catalog(session.client, sql, params.values);
  return [{ title: "List of publications", fields, rows, showRowCount: true }];
}

export async function describePublications(session: Session, pattern: string | undefined): Promise<MetaOutput[]> {
  requirePublications(session);
  const { version } = session;
  const hasTruncate = version >= 110000;
  const hasGeneratedColumns = version >= 180000;
  const hasViaRoot = version >= 130000;
  const params = new Params();
  const where = await patternConditions(pattern, { name: "pubname", maxParts: 1 }, params, session.database);
  const sql =
    "SELECT oid, pubname,\n  pg_catalog.pg_get_userbyid(pubowner) AS owner,\n  puballtables, pubinsert, " +
    "pubupdate, pubdelete" +
    (hasTruncate ? ", pubtruncate" : ", false AS pubtruncate") +
    (hasGeneratedColumns ? `, ${GENERATED_COLUMNS} AS "Generated columns"\n` : ", 'none' AS pubgencols") +
    (hasViaRoot ? ", pubviaroot" : ", false AS pubviaroot") +
    `\nFROM pg_catalog.pg_publication\n${whereClause(where)}ORDER BY 2;`;
  const { rows } = await catalog(session.client, sql, params.values);
  if (rows.length === 0) {
    throw new MetaError(
      pattern !== undefined ? `Did not find any publication named "${pattern}".` : "Did not find any publications.",
    );
  }

  const outputs: MetaOutput[] = [];
  for (const row of rows) {
    const headers = ["Owner", "All tables", "Inserts", "Updates", "Deletes"];
    const cells = [2, 3, 4, 5, 6].map((column) => value(row, column));
    if (hasTruncate) {
      headers.push("Truncates");
      cells.push(value(row, 7));
    }
    if (hasGeneratedColumns) {
      headers.push("Generated columns");
      cells.push(value(row, 8));
    }
    if (hasViaRoot) {
      headers.push("Via root");
      cells.push(value(row, 9));
    }
    const footers = value(row, 3) === "t" ? [] : await publicationFooters(session, value(row, 0));
    outputs.push({
      title: `Publication ${value(row, 1)}`,
      fields: headers.map((name) => ({ name, type: "text" })),
      rows: [cells],
      ...(footers.length > 0 ? { footers } : {}),
      showRowCount: true,
    });
  }
  return outputs;
}

/** The tables (with column lists and row filters, 15+) and schemas a publication names. */
async function publicationFooters(session: Session, publicationOid: string): Promise<string[]> {
  const { client, version } = session;
  const footers: string[] = [];
  const tableColumns =
    version >= 150000
      ? ", pg_get_expr(pr.prqual, c.oid), (CASE WHEN pr.prattrs IS NOT NULL THEN\n" +
        "     pg_catalog.array_to_string(      ARRAY(SELECT attname\n              FROM\n" +
        "                pg_catalog.generate_series(0, pg_catalog.array_upper(pr.prattrs::pg_catalog.int2[], 1)) s,\n" +
        "                pg_catalog.pg_attribute\n        WHERE attrelid = c.oid AND attnum = prattrs[s]), ', ')\n" +
        "       ELSE NULL END)"
      : ", NULL, NULL";
  const tables = await catalog(
    client,
    `SELECT n.nspname, c.relname${tableColumns}\nFROM pg_catalog.pg_class c,\n     pg_catalog.pg_namespace n,\n` +
      "     pg_catalog.pg_publication_rel pr\nWHERE c.relnamespace = n.oid\n  AND c.oid = pr.prrelid\n" +
      "  AND pr.prpubid = $1\nORDER BY 1,2",
    [publicationOid],
  );
  if (tables.rows.length > 0) footers.push("Tables:");
  for (const row of tables.rows) {
    let line = `    "${value(row, 0)}.${value(row, 1)}"`;
    if (row[3] !== null && row[3] !== undefined) line += ` (${row[3]})`;
    if (row[2] !== null && row[2] !== undefined) line += ` WHERE ${row[2]}`;
    footers.push(line);
  }
  if (version >= 150000) {
    const schemas = await catalog(
      client,
      "SELECT n.nspname\nFROM pg_catalog.pg_namespace n\n     JOIN pg_catalog.pg_publication_namespace pn " +
        "ON n.oid = pn.pnnspid\n" +
        "WHERE pn.pnpubid = $1\nORDER BY 1",
      [publicationOid],
    );
    if (schemas.rows.length > 0) footers.push("Tables from schemas:");
    for (const row of schemas.rows) footers.push(`    "${value(row, 0)}"`);
  }
  return footers;
}
