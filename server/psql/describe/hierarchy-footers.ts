// Where a table sits among others under \d NAME: partition of, partition key, TOAST owner, parents, children.
import { catalog, isNull, value } from "./catalog.ts";
import type { TableInfo } from "./table-info.ts";
import type { Session } from "./session.ts";

export async function partitionOf(session: Session, info: TableInfo, verbose: boolean): Promise<string[]> {
  const { rows } = await catalog(
    session.client,
    "SELECT inhparent::pg_catalog.regclass,\n  pg_catalog.pg_get_expr(c.relpartbound, c.oid),\n  " +
      (session.version >= 140000 ? "inhdetachpending" : "false as inhdetachpending") +
      (verbose ? ",\n  pg_catalog.pg_get_partition_constraintdef(c.oid)" : "") +
      "\nFROM pg_catalog.pg_class c JOIN pg_catalog.pg_inherits i ON c.oid = inhrelid\nWHERE c.oid = $1;",
    [info.oid],
  );
  const row = rows[0];
  if (!row) return [];
  const footers = [`Partition of: ${value(row, 0)} ${value(row, 1)}${value(row, 2) === "t" ? " DETACH PENDING" : ""}`];
  if (verbose) {
    const constraint = value(row, 3);
    footers.push(constraint === "" ? "No partition constraint" : `Partition constraint: ${constraint}`);
  }
  return footers;
}

export async function partitionKey(session: Session, info: TableInfo): Promise<string[]> {
  const { rows } = await catalog(session.client, "SELECT pg_catalog.pg_get_partkeydef($1::pg_catalog.oid);", [
    info.oid,
  ]);
  return rows.length === 1 ? [`Partition key: ${value(rows[0], 0)}`] : [];
}

export async function owningTable(session: Session, info: TableInfo): Promise<string[]> {
  const { rows } = await catalog(
    session.client,
    "SELECT n.nspname, c.relname\nFROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = " +
      "c.relnamespace\n" +
      "WHERE reltoastrelid = $1;",
    [info.oid],
  );
  return rows.length === 1 ? [`Owning table: "${value(rows[0], 0)}.${value(rows[0], 1)}"`] : [];
}

export async function inherits(session: Session, info: TableInfo): Promise<string[]> {
  const { rows } = await catalog(
    session.client,
    "SELECT c.oid::pg_catalog.regclass\nFROM pg_catalog.pg_class c, pg_catalog.pg_inherits i\n" +
      "WHERE c.oid = i.inhparent AND i.inhrelid = $1\n  AND c.relkind != 'p' AND c.relkind != 'I'\nORDER BY inhseqno;",
    [info.oid],
  );
  return rows.map(
    (row, i) =>
      `${i === 0 ? "Inherits: " : " ".repeat("Inherits".length + 2)}${value(row, 0)}${i < rows.length - 1 ? "," : ""}`,
  );
}

export async function children(session: Session, info: TableInfo, verbose: boolean): Promise<string[]> {
  const { rows } = await catalog(
    session.client,
    "SELECT c.oid::pg_catalog.regclass, c.relkind," +
      (session.version >= 140000 ? " inhdetachpending," : " false AS inhdetachpending,") +
      " pg_catalog.pg_get_expr(c.relpartbound, c.oid)\nFROM pg_catalog.pg_class c, pg_catalog.pg_inherits i\n" +
      "WHERE c.oid = i.inhrelid AND i.inhparent = $1\n" +
      "ORDER BY pg_catalog.pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT', " +
      "c.oid::pg_catalog.regclass::pg_catalog.text;",
    [info.oid],
  );
  const partitioned = info.kind === "p" || info.kind === "I";
  if (partitioned && rows.length === 0) return ["Number of partitions: 0"];
  if (!verbose) {
    if (rows.length === 0) return [];
    return [`Number of ${partitioned ? "partitions" : "child tables"}: ${rows.length} (Use \\d+ to list them.)`];
  }
  const label = partitioned ? "Partitions" : "Child tables";
  return rows.map((row, i) => {
    let line = `${i === 0 ? `${label}: ` : " ".repeat(label.length + 2)}${value(row, 0)}`;
    if (!isNull(row, 3)) line += ` ${value(row, 3)}`;
    const kind = value(row, 1);
    if (kind === "p" || kind === "I") line += ", PARTITIONED";
    else if (kind === "f") line += ", FOREIGN";
    if (value(row, 2) === "t") line += " (DETACH PENDING)";
    if (i < rows.length - 1) line += ",";
    return line;
  });
}
