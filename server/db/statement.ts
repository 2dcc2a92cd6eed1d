// One SQL statement on one connection, for a cell and for a console session alike: at most the row limit
// comes back (a result of millions of rows costs the bridge nothing), under a watchdog (a server that stops
// answering can't apply statement_timeout), with every value as PostgreSQL printed it.
import pg from "pg";
import { runCapped } from "./capped-query.ts";
import type { Field } from "../../src/lib/api-types.ts";
import type { TypeNames } from "./type-names.ts";

/** SQLSTATEs with which a server ends the connection: the node is going down, not the statement failing. */
const CONNECTION_LOST = new Set(["57P01", "57P02", "57P03"]);

export interface ExecuteOptions {
  rowLimit: number;
  /** How long the statement may go without an answer before the connection is dropped. */
  deadlineMs: number;
  typeNames: TypeNames;
  /** Why COPY FROM STDIN is refused, in the words of whoever runs the statement. */
  copyInRefusal: string;
}

export interface Executed {
  rows: (string | null)[][];
  truncated: boolean;
  fields: Field[];
  rowCount: number | null;
  /** The whole command tag (`INSERT 0 1`); empty when rows were cut off before it came. */
  tag: string;
  tuples: boolean;
  /** COPY TO STDOUT's data, if any. */
  copied: string;
  durationMs: number;
}

export type Execution =
  | { ok: Executed }
  /** The statement failed; the connection is fine. */
  | { failed: pg.DatabaseError }
  /** The connection is gone (the node went down, or stopped answering: `silent`). */
  | { lost: Error; silent: boolean };

export async function execute(client: pg.ClientBase, text: string, options: ExecuteOptions): Promise<Execution> {
  const started = performance.now();
  const running = runCapped(client, text, options.rowLimit, options.copyInRefusal);
  let silent = false;
  const watchdog = setTimeout(() => {
    silent = true;
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  }, options.deadlineMs);
  try {
    const result = await running;
    const durationMs = performance.now() - started;
    const types = await options.typeNames.names(client, result.fields);
    const counted = /(\d+)$/.exec(result.tag)?.[1];
    return {
      ok: {
        rows: result.rows,
        truncated: result.truncated,
        fields: result.fields.map((field, i) => ({ name: field.name, type: types[i] ?? "" })),
        rowCount: result.truncated ? null : counted !== undefined ? Number(counted) : result.rows.length,
        tag: result.truncated ? "" : result.tag,
        tuples: result.tuples,
        copied: result.copied,
        durationMs: Math.round(durationMs * 1000) / 1000,
      },
    };
  } catch (error) {
    if (!silent && error instanceof pg.DatabaseError && error.severity !== "FATAL" && !CONNECTION_LOST.has(error.code ?? "")) {
      return { failed: error };
    }
    return { lost: error as Error, silent };
  } finally {
    clearTimeout(watchdog);
  }
}
