// Runs the catalog queries psql's describe.c runs, keeping every value as the text the server sent (psql
// prints PQgetvalue's text) and each column's type as format_type() names it.
import type pg from "pg";
import { BUILT_IN_TYPE_NAMES } from "../../db/type-names.ts";

interface Field {
  name: string;
  type: string;
}

export interface CatalogRows {
  fields: Field[];
  rows: (string | null)[][];
}

const AS_TEXT: pg.CustomTypesConfig = { getTypeParser: () => (value: string) => value };

export async function catalog(client: pg.ClientBase, text: string, values: unknown[] = []): Promise<CatalogRows> {
  const result = await client.query({ text, values, rowMode: "array", types: AS_TEXT });
  const missing = result.fields.filter((field) => BUILT_IN_TYPE_NAMES[field.dataTypeID] === undefined);
  const named = new Map<number, string>();
  if (missing.length > 0) {
    const { rows } = await client.query<{ oid: number; name: string }>({
      text:
        "SELECT oid::int AS oid, pg_catalog.format_type(oid, NULL) AS name FROM pg_catalog.pg_type WHERE oid " +
        "= ANY ($1::oid[])",
      values: [missing.map((field) => field.dataTypeID)],
    });
    for (const row of rows) named.set(Number(row.oid), row.name);
  }
  return {
    fields: result.fields.map((field) => ({
      name: field.name,
      type: BUILT_IN_TYPE_NAMES[field.dataTypeID] ?? named.get(field.dataTypeID) ?? String(field.dataTypeID),
    })),
    rows: result.rows as (string | null)[][],
  };
}

/** One column of text from a catalog query's rows, as psql's PQgetvalue gives it: NULL reads as "". */
export function value(row: (string | null)[] | undefined, column: number): string {
  return row?.[column] ?? "";
}

export function isNull(row: (string | null)[] | undefined, column: number): boolean {
  return row?.[column] === null || row?.[column] === undefined;
}
