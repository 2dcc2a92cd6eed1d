// One SQL statement of a console session. Like a cell's statements it runs through a cursor that keeps
// at most the row limit, under a watchdog; unlike them it keeps the whole command tag (`INSERT 0 1`,
// which psql prints), leaves notices to the connection, which prints them as they arrive, and keeps the
// error fields psql shows (severity, CONTEXT, QUERY).
import pg from "pg";
import Cursor from "pg-cursor";
import type { SqlPiece } from "../../src/lib/split-sql.ts";
import { nodeDown, type RunOptions, type StatementOutcome } from "../db/run-cell.ts";
import type { ConsoleError, ConsoleResult } from "./psql-text.ts";

/** Values as PostgreSQL prints them, as psql shows them. */
const AS_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/** SQLSTATEs with which the server ends the connection, not just the statement. */
const CONNECTION_LOST = new Set(["57P01", "57P02", "57P03"]);

type Handler = (message: unknown) => void;
const base = Cursor.prototype as unknown as { handleCommandComplete: Handler; handleRowDescription: Handler };

/** COPY TO STDOUT prints its data as it is; beyond this much, the rest is left out. */
const MAX_COPY_TEXT = 1024 * 1024;

/**
 * A cursor that keeps the command tag whole (pg's Result keeps only its first word), notes whether rows
 * came back at all (`SELECT;` returns one row of no columns, `CREATE TABLE t AS ...` none), and answers
 * COPY's messages, which pg hands to the running query and pg-cursor doesn't know.
 */
class StatusCursor extends Cursor {
  status = "";
  tuples = false;
  copied = "";

  /** COPY FROM STDIN waits for data that a browser terminal can't send: the server is told so, and fails it. */
  handleCopyInResponse(connection: { sendCopyFail(message: string): void }) {
    connection.sendCopyFail("the lab's console can't send COPY data; use INSERT, or COPY FROM a file on the server");
  }

  /** COPY TO STDOUT: its data, which psql prints before the command tag. */
  handleCopyData(message: { chunk: Buffer }) {
    if (this.copied.length < MAX_COPY_TEXT) this.copied += message.chunk.toString("utf8");
  }

  handleCommandComplete(message: { text: string }) {
    this.status = message.text;
    base.handleCommandComplete.call(this, message);
  }
  handleRowDescription(message: unknown) {
    this.tuples = true;
    base.handleRowDescription.call(this, message);
  }
}

export async function runConsoleStatement(client: pg.Client, piece: SqlPiece, options: RunOptions): Promise<StatementOutcome> {
  const started = performance.now();
  const cursor = client.query(new StatusCursor(piece.text, undefined, { rowMode: "array", types: AS_TEXT }));
  // statement_timeout ends a slow statement; a server that stops answering can't apply it.
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
    const result = (cursor as unknown as { _result: pg.QueryResult })._result;
    // TypeNames only runs a query on the client it is given; a session's client is not a pooled one.
    const types = await options.typeNames.names(client as pg.PoolClient, result.fields);
    const statement: ConsoleResult = {
      tuples: cursor.tuples,
      ...(cursor.copied ? { copied: cursor.copied } : {}),
      // Cut-off rows never reach their command tag; psql doesn't print a SELECT's anyway.
      command: cursor.status || (/^\s*(\w+)/.exec(piece.text)?.[1]?.toUpperCase() ?? "SELECT"),
      rowCount: truncated ? null : (result.rowCount ?? rows.length),
      fields: result.fields.map((field, i) => ({ name: field.name, type: types[i] ?? "" })),
      rows,
      truncated,
      notices: [],
      durationMs,
      span: [piece.start, piece.end],
    };
    return { result: statement };
  } catch (error) {
    if (error instanceof pg.DatabaseError && error.severity !== "FATAL" && !CONNECTION_LOST.has(error.code ?? "")) {
      return { error: consoleError(options, error, piece) };
    }
    const lost: ConsoleError = nodeDown(options.node, error);
    if (silent) lost.message = `node "${options.node}" stopped answering: no reply within ${Math.round(options.deadlineMs / 1000)} s`;
    if (error instanceof pg.DatabaseError) lost.severity = error.severity ?? "FATAL";
    return { error: lost, broken: error as Error };
  } finally {
    clearTimeout(watchdog);
  }
}

function consoleError(options: RunOptions, error: pg.DatabaseError, piece: SqlPiece): ConsoleError {
  const info: ConsoleError = { code: error.code ?? "XX000", message: error.message, node: options.node, statement: piece.text };
  if (error.severity) info.severity = error.severity;
  if (error.position) info.position = Number(error.position);
  if (error.internalQuery) info.internalQuery = error.internalQuery;
  if (error.internalPosition) info.internalPosition = Number(error.internalPosition);
  if (error.detail) info.detail = error.detail;
  if (error.hint) info.hint = error.hint;
  if (error.where) info.context = error.where;
  return info;
}
