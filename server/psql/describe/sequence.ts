// \d SEQUENCE: psql prints pg_sequence's row as an ordinary query result (numbers right-aligned, \x applies)
// with the owning column as its footer.
import { catalog, value } from "./catalog.ts";
import type { TableInfo } from "./table-info.ts";
import type { MetaOutput, Session } from "./session.ts";

export async function describeSequence(session: Session, info: TableInfo): Promise<MetaOutput> {
  const { fields, rows } = await catalog(
    session.client,
    `SELECT pg_catalog.format_type(seqtypid, NULL) AS "Type",\n       seqstart AS "Start",\n       ` +
      `seqmin AS "Minimum",\n` +
      `       seqmax AS "Maximum",\n       seqincrement AS "Increment",\n` +
      `       CASE WHEN seqcycle THEN 'yes' ELSE 'no' END AS "Cycles?",\n       seqcache AS "Cache"\n` +
      "FROM pg_catalog.pg_sequence\nWHERE seqrelid = $1;",
    [info.oid],
  );
  const owner = await catalog(
    session.client,
    "SELECT pg_catalog.quote_ident(nspname) || '.' ||\n   pg_catalog.quote_ident(relname) || '.' ||\n" +
      "   pg_catalog.quote_ident(attname),\n   d.deptype\nFROM pg_catalog.pg_class c\n" +
      "INNER JOIN pg_catalog.pg_depend d ON c.oid=d.refobjid\n" +
      "INNER JOIN pg_catalog.pg_namespace n ON n.oid=c.relnamespace\nINNER JOIN pg_catalog.pg_attribute a ON (\n" +
      " a.attrelid=c.oid AND\n a.attnum=d.refobjsubid)\nWHERE d.classid='pg_catalog.pg_class'::pg_catalog.regclass\n" +
      " AND d.refclassid='pg_catalog.pg_class'::pg_catalog.regclass\n AND d.objid=$1\n AND d.deptype IN ('a', 'i')",
    [info.oid],
  );
  const footers: string[] = [];
  // Like psql, say nothing when the dependency is ambiguous (more than one row).
  const dependency = owner.rows.length === 1 ? owner.rows[0] : undefined;
  if (dependency && value(dependency, 1) === "a") footers.push(`Owned by: ${value(dependency, 0)}`);
  if (dependency && value(dependency, 1) === "i") footers.push(`Sequence for identity column: ${value(dependency, 0)}`);
  const kind = info.persistence === "u" ? "Unlogged sequence" : "Sequence";
  return {
    title: `${kind} "${info.schema}.${info.name}"`,
    fields,
    rows,
    ...(footers.length > 0 ? { footers } : {}),
    showRowCount: false,
  };
}
