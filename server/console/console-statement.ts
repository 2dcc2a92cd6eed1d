// One SQL statement of a console session, run as a cell's are (server/db/execute.ts); unlike a cell it
// keeps the whole command tag (`INSERT 0 1`, which psql prints) and COPY's output, leaves notices to the
// connection, which prints them as they arrive, and keeps the error fields psql shows (severity, CONTEXT, QUERY).
import pg from "pg";
import type { SqlPiece } from "../psql/split-sql.ts";
import { nodeDown } from "../db/run-cell.ts";
import type { RunOptions, StatementOutcome } from "../db/run-types.ts";
import { execute } from "../db/execute.ts";
import type { ConsoleError, ConsoleResult } from "../psql/print.ts";

const COPY_IN_REFUSAL = "the lab's console can't send COPY data; use INSERT, or COPY FROM a file on the server";

export async function runConsoleStatement(
  client: pg.Client,
  piece: SqlPiece,
  options: RunOptions,
): Promise<StatementOutcome> {
  const execution = await execute(client, piece.text, { ...options, copyInRefusal: COPY_IN_REFUSAL });
  if ("ok" in execution) {
    const { ok } = execution;
    const statement: ConsoleResult = {
      tuples: ok.tuples,
      ...(ok.copied ? { copied: ok.copied } : {}),
      // Cut-off rows never reach their command tag; psql doesn't print a SELECT's anyway.
      command: ok.tag || (/^\s*(\w+)/.exec(piece.text)?.[1]?.toUpperCase() ?? "SELECT"),
      rowCount: ok.rowCount,
      fields: ok.fields,
      rows: ok.rows,
      truncated: ok.truncated,
      ...(ok.capped ? { cutBySize: true } : {}),
      notices: [],
      durationMs: ok.durationMs,
      span: [piece.start, piece.end],
    };
    return { result: statement };
  }
  if ("failed" in execution) return { error: consoleError(options, execution.failed, piece) };
  if ("stopped" in execution) {
    const stopped: ConsoleError = { ...execution.stopped, node: options.node };
    return execution.lost ? { error: stopped, broken: execution.lost } : { error: stopped };
  }
  const lost: ConsoleError = nodeDown(options.node, execution.lost);
  if (execution.lost instanceof pg.DatabaseError) lost.severity = execution.lost.severity ?? "FATAL";
  return { error: lost, broken: execution.lost };
}

function consoleError(options: RunOptions, error: pg.DatabaseError, piece: SqlPiece): ConsoleError {
  const info: ConsoleError = {
    code: error.code ?? "XX000",
    message: error.message,
    node: options.node,
    statement: piece.text,
  };
  if (error.severity) info.severity = error.severity;
  if (error.position) info.position = Number(error.position);
  if (error.internalQuery) info.internalQuery = error.internalQuery;
  if (error.internalPosition) info.internalPosition = Number(error.internalPosition);
  if (error.detail) info.detail = error.detail;
  if (error.hint) info.hint = error.hint;
  if (error.where) info.context = error.where;
  return info;
}
