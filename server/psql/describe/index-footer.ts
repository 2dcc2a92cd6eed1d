// \d INDEX: the one footer psql prints under an index's columns.
import { catalog, value } from "./catalog.ts";
import type { TableInfo } from "./table-info.ts";
import type { Session } from "./session.ts";
import { addTablespace } from "./tablespace.ts";

/** The one footer of an index: what kind, on which table, and its peculiarities. */
export async function indexFooters(session: Session, info: TableInfo): Promise<string[]> {
  const { version } = session;
  const constraint = (flag: string) =>
    "EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = i.indrelid AND conindid = i.indexrelid AND " +
    `contype IN ('p','u','x') AND ${flag})`;
  const { rows } = await catalog(
    session.client,
    "SELECT i.indisunique, i.indisprimary, i.indisclustered, i.indisvalid,\n" +
      `  (NOT i.indimmediate) AND ${constraint("condeferrable")} AS condeferrable,\n` +
      `  (NOT i.indimmediate) AND ${constraint("condeferred")} AS condeferred,\n` +
      "i.indisreplident,\n" +
      (version >= 150000 ? "i.indnullsnotdistinct,\n" : "false AS indnullsnotdistinct,\n") +
      "  a.amname, c2.relname, pg_catalog.pg_get_expr(i.indpred, i.indrelid, true)\n" +
      "FROM pg_catalog.pg_index i, pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_am a\n" +
      "WHERE i.indexrelid = c.oid AND c.oid = $1 AND c.relam = a.oid\nAND i.indrelid = c2.oid;",
    [info.oid],
  );
  const row = rows[0];
  if (rows.length !== 1 || !row) return [];
  const is = (column: number) => value(row, column) === "t";
  let line = is(1) ? "primary key, " : is(0) ? `unique${is(7) ? " nulls not distinct" : ""}, ` : "";
  line += `${value(row, 8)}, for table "${info.schema}.${value(row, 9)}"`;
  if (value(row, 10)) line += `, predicate (${value(row, 10)})`;
  if (is(2)) line += ", clustered";
  if (!is(3)) line += ", invalid";
  if (is(4)) line += ", deferrable";
  if (is(5)) line += ", initially deferred";
  if (is(6)) line += ", replica identity";
  const footers = [line];
  if (info.kind === "i") await addTablespace(session, footers, info.tablespace, true);
  return footers;
}
