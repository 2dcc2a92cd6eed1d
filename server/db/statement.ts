// One SQL statement on one connection, for a cell and for a console session alike: through a cursor that
// keeps at most the row limit (a result of millions of rows costs the bridge nothing), under a watchdog (a
// server that stops answering can't apply statement_timeout), with every value as PostgreSQL printed it.
import pg from "pg";
import Cursor from "pg-cursor";
import type { Field } from "../../src/lib/api-types.ts";
import type { TypeNames } from "./type-names.ts";

/** Every value comes back as PostgreSQL printed it: what psql shows, and safe to put in JSON. */
const AS_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/** SQLSTATEs with which a server ends the connection: the node is going down, not the statement failing. */
const CONNECTION_LOST = new Set(["57P01", "57P02", "57P03"]);

/** COPY TO STDOUT's data is kept up to this much; the rest is left out. */
const MAX_COPY_TEXT = 1024 * 1024;

type Handler = (message: unknown) => void;
const base = Cursor.prototype as unknown as { handleCommandComplete: Handler; handleRowDescription: Handler };

/**
 * A cursor that keeps the command tag whole (pg's Result keeps only its first word), notes whether rows came
 * back at all (`SELECT;` returns a row of no columns, `CREATE TABLE t AS ...` none), and answers COPY's
 * messages, which pg hands to the running query and pg-cursor doesn't know: without them a COPY would crash
 * the bridge.
 */
class StatementCursor extends Cursor {
  tag = "";
  tuples = false;
  copied = "";
  copyInRefusal = "";

  /** COPY FROM STDIN waits for data the bridge has none of: the server is told so, and fails the statement. */
  handleCopyInResponse(connection: { sendCopyFail(message: string): void }) {
    connection.sendCopyFail(this.copyInRefusal);
  }

  handleCopyData(message: { chunk: Buffer }) {
    if (this.copied.length < MAX_COPY_TEXT) this.copied += message.chunk.toString("utf8");
  }

  handleCommandComplete(message: { text: string }) {
    this.tag = message.text;
    base.handleCommandComplete.call(this, message);
  }

  handleRowDescription(message: unknown) {
    this.tuples = true;
    base.handleRowDescription.call(this, message);
  }
}

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
  const statement = new StatementCursor(text, undefined, { rowMode: "array", types: AS_TEXT });
  statement.copyInRefusal = options.copyInRefusal;
  const cursor = client.query(statement);
  let silent = false;
  const watchdog = setTimeout(() => {
    silent = true;
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  }, options.deadlineMs);
  try {
    const rows = (await cursor.read(options.rowLimit + 1)) as (string | null)[][];
    const truncated = rows.length > options.rowLimit;
    if (truncated) rows.length = options.rowLimit;
    await cursor.close();
    const durationMs = performance.now() - started;
    // pg-cursor keeps the statement's Result; its fields are not in the typings.
    const result = (cursor as unknown as { _result: pg.QueryResult })._result;
    const types = await options.typeNames.names(client, result.fields);
    return {
      ok: {
        rows,
        truncated,
        fields: result.fields.map((field, i) => ({ name: field.name, type: types[i] ?? "" })),
        rowCount: truncated ? null : (result.rowCount ?? rows.length),
        tag: statement.tag,
        tuples: statement.tuples,
        copied: statement.copied,
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
