import type pg from "pg";

/**
 * Built-in types by OID, named as `format_type(oid, NULL)` names them, so that most results need no catalog
 * lookup. The one table for both uses: a result column's type when it has no modifier (the cells' and the
 * console's results), and the type of each column of the catalog queries psql's describe commands run
 * (server/psql/describe/catalog.ts). Without a modifier, `format_type(oid, NULL)` and `format_type(oid, -1)`
 * differ only for bpchar and bit (and their arrays): of those the table has bpchar, "character" as both uses
 * have always called it, where `format_type(1042, -1)` says "bpchar".
 */
export const BUILT_IN_TYPE_NAMES: Readonly<Record<number, string>> = {
  16: "boolean",
  17: "bytea",
  18: '"char"',
  19: "name",
  20: "bigint",
  21: "smallint",
  22: "int2vector",
  23: "integer",
  24: "regproc",
  25: "text",
  26: "oid",
  28: "xid",
  114: "json",
  142: "xml",
  194: "pg_node_tree",
  700: "real",
  701: "double precision",
  790: "money",
  1000: "boolean[]",
  1003: "name[]",
  1005: "smallint[]",
  1007: "integer[]",
  1009: "text[]",
  1016: "bigint[]",
  1028: "oid[]",
  1042: "character",
  1043: "character varying",
  1082: "date",
  1083: "time without time zone",
  1114: "timestamp without time zone",
  1184: "timestamp with time zone",
  1186: "interval",
  1700: "numeric",
  2205: "regclass",
  2950: "uuid",
  3220: "pg_lsn",
  3361: "pg_ndistinct",
  3402: "pg_dependencies",
  3802: "jsonb",
  5069: "xid8",
};

/** Type names per node, filled as results bring new (oid, typmod) pairs. */
export class TypeNames {
  private readonly cache = new Map<string, string>();

  async names(client: pg.ClientBase, fields: { dataTypeID: number; dataTypeModifier: number }[]): Promise<string[]> {
    const key = (f: { dataTypeID: number; dataTypeModifier: number }) => `${f.dataTypeID}:${f.dataTypeModifier}`;
    const missing = fields.filter((f) => {
      if (this.cache.has(key(f))) return false;
      const builtIn = f.dataTypeModifier === -1 ? BUILT_IN_TYPE_NAMES[f.dataTypeID] : undefined;
      if (builtIn) this.cache.set(key(f), builtIn);
      return !builtIn;
    });
    if (missing.length > 0) {
      const { rows } = await client.query<{ name: string }>({
        text:
          "SELECT format_type(t.oid, t.typmod) AS name FROM unnest($1::oid[], $2::int[]) WITH ORDINALITY AS " +
          "t(oid, typmod, i) ORDER BY i",
        values: [missing.map((f) => f.dataTypeID), missing.map((f) => f.dataTypeModifier)],
      });
      missing.forEach((f, i) => this.cache.set(key(f), rows[i]?.name ?? String(f.dataTypeID)));
    }
    return fields.map((f) => this.cache.get(key(f)) ?? String(f.dataTypeID));
  }
}
