// A table's indexes and constraints under \d NAME: Indexes, Check constraints, Foreign-key constraints,
// Referenced by, and (\d+ only) Not-null constraints.
import { catalog, value } from "./catalog.ts";
import type { TableInfo } from "./table-info.ts";
import type { Session } from "./session.ts";
import { addTablespace } from "./tablespace.ts";

export async function indexes(session: Session, info: TableInfo): Promise<string[]> {
  const { rows } = await catalog(
    session.client,
    "SELECT c2.relname, i.indisprimary, i.indisunique, i.indisclustered, i.indisvalid, " +
      "pg_catalog.pg_get_indexdef(i.indexrelid, 0, true),\n  pg_catalog.pg_get_constraintdef(con.oid, true), " +
      "contype, condeferrable, condeferred, i.indisreplident, c2.reltablespace" +
      (session.version >= 180000 ? ", con.conperiod" : ", false AS conperiod") +
      "\nFROM pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_index i\n" +
      "  LEFT JOIN pg_catalog.pg_constraint con ON (conrelid = i.indrelid AND conindid = i.indexrelid AND " +
      "contype IN ('p','u','x'))\n" +
      "WHERE c.oid = $1 AND c.oid = i.indrelid AND i.indexrelid = c2.oid\nORDER BY i.indisprimary DESC, c2.relname;",
    [info.oid],
  );
  if (rows.length === 0) return [];
  const footers = ["Indexes:"];
  for (const row of rows) {
    const is = (column: number) => value(row, column) === "t";
    let line = `    "${value(row, 0)}"`;
    // Exclusion constraints and WITHOUT OVERLAPS keys show their constraint definition instead.
    if (value(row, 7) === "x" || is(12)) {
      line += ` ${value(row, 6)}`;
    } else {
      if (is(1)) line += " PRIMARY KEY,";
      else if (is(2)) line += value(row, 7) === "u" ? " UNIQUE CONSTRAINT," : " UNIQUE,";
      const definition = value(row, 5);
      const using = definition.indexOf(" USING ");
      line += ` ${using >= 0 ? definition.slice(using + 7) : definition}`;
      if (is(8)) line += " DEFERRABLE";
      if (is(9)) line += " INITIALLY DEFERRED";
    }
    if (is(3)) line += " CLUSTER";
    if (!is(4)) line += " INVALID";
    if (is(10)) line += " REPLICA IDENTITY";
    footers.push(line);
    await addTablespace(session, footers, value(row, 11), false);
  }
  return footers;
}

export async function checkConstraints(session: Session, info: TableInfo): Promise<string[]> {
  const { rows } = await catalog(
    session.client,
    "SELECT r.conname, pg_catalog.pg_get_constraintdef(r.oid, true)\nFROM pg_catalog.pg_constraint r\n" +
      "WHERE r.conrelid = $1 AND r.contype = 'c'\nORDER BY 1;",
    [info.oid],
  );
  return rows.length === 0
    ? []
    : ["Check constraints:", ...rows.map((row) => `    "${value(row, 0)}" ${value(row, 1)}`)];
}

export async function foreignKeys(session: Session, info: TableInfo): Promise<string[]> {
  const partitioned = session.version >= 120000 && (info.isPartition || info.kind === "p");
  // Constraints defined on this table come first, then those inherited from partitioned ancestors.
  const sql = partitioned
    ? "SELECT conrelid = $1::pg_catalog.regclass AS sametable,\n       conname,\n" +
      "       pg_catalog.pg_get_constraintdef(oid, true) AS condef,\n       conrelid::pg_catalog.regclass " +
      "AS ontable\n" +
      "  FROM pg_catalog.pg_constraint,\n       pg_catalog.pg_partition_ancestors($1)\n" +
      " WHERE conrelid = relid AND contype = 'f' AND conparentid = 0\nORDER BY sametable DESC, conname;"
    : "SELECT true as sametable, conname,\n  pg_catalog.pg_get_constraintdef(r.oid, true) as condef,\n" +
      "  conrelid::pg_catalog.regclass AS ontable\nFROM pg_catalog.pg_constraint r\n" +
      "WHERE r.conrelid = $1 AND r.contype = 'f'\n" +
      (session.version >= 120000 ? "     AND conparentid = 0\n" : "") +
      "ORDER BY conname";
  const { rows } = await catalog(session.client, sql, [info.oid]);
  if (rows.length === 0) return [];
  return [
    "Foreign-key constraints:",
    ...rows.map((row) =>
      value(row, 0) === "f"
        ? `    TABLE "${value(row, 3)}" CONSTRAINT "${value(row, 1)}" ${value(row, 2)}`
        : `    "${value(row, 1)}" ${value(row, 2)}`,
    ),
  ];
}

export async function referencedBy(session: Session, info: TableInfo): Promise<string[]> {
  const sql =
    session.version >= 120000
      ? "SELECT conname, conrelid::pg_catalog.regclass AS ontable,\n       " +
        "pg_catalog.pg_get_constraintdef(oid, true) AS condef\n" +
        "  FROM pg_catalog.pg_constraint c\n WHERE confrelid IN (SELECT pg_catalog.pg_partition_ancestors($1)\n" +
        "                     UNION ALL VALUES ($1::pg_catalog.regclass))\n" +
        "       AND contype = 'f' AND conparentid = 0\nORDER BY conname;"
      : "SELECT conname, conrelid::pg_catalog.regclass AS ontable,\n       " +
        "pg_catalog.pg_get_constraintdef(oid, true) AS condef\n" +
        "  FROM pg_catalog.pg_constraint\n WHERE confrelid = $1 AND contype = 'f'\nORDER BY conname;";
  const { rows } = await catalog(session.client, sql, [info.oid]);
  if (rows.length === 0) return [];
  return [
    "Referenced by:",
    ...rows.map((row) => `    TABLE "${value(row, 1)}" CONSTRAINT "${value(row, 0)}" ${value(row, 2)}`),
  ];
}

export async function notNullConstraints(session: Session, info: TableInfo): Promise<string[]> {
  const { rows } = await catalog(
    session.client,
    "SELECT c.conname, a.attname, c.connoinherit,\n  c.conislocal, c.coninhcount <> 0\n" +
      "FROM pg_catalog.pg_constraint c JOIN\n  pg_catalog.pg_attribute a ON\n" +
      "    (a.attrelid = c.conrelid AND a.attnum = c.conkey[1])\n" +
      "WHERE c.contype = 'n' AND\n  c.conrelid = $1::pg_catalog.regclass\nORDER BY a.attnum",
    [info.oid],
  );
  if (rows.length === 0) return [];
  return [
    "Not-null constraints:",
    ...rows.map((row) => {
      const local = value(row, 3).startsWith("t");
      const inherited = value(row, 4).startsWith("t");
      const suffix = value(row, 2).startsWith("t")
        ? " NO INHERIT"
        : local && inherited
          ? " (local, inherited)"
          : inherited
            ? " (inherited)"
            : "";
      return `    "${value(row, 0)}" NOT NULL "${value(row, 1)}"${suffix}`;
    }),
  ];
}
