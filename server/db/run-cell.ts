import pg from "pg";
import {
  BRIDGE_CODES,
  type CellNode,
  type Notice,
  type QueryResponse,
  type SqlErrorInfo,
  type StatementResult,
} from "../../shared/api-types.ts";
import { formatResult } from "../psql/format.ts";
import { splitSql, type SqlPiece } from "../psql/split-sql.ts";
import { runMetaPiece } from "../psql/meta-command.ts";
import { MAX_RESULT_CHARS, megabytes } from "./limits.ts";
import { backendKey } from "./pg-internals.ts";
import { execute } from "./execute.ts";
import type { RunOptions, StatementOutcome } from "./run-types.ts";

const COPY_IN_REFUSAL =
  "a cell can't send COPY data: use INSERT, or COPY FROM a file on the server (the psql console can " +
  "run COPY ... TO STDOUT)";

/** Commands after which a pooled connection is known to hold no session state worth resetting. */
const STATELESS = new Set([
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "MERGE",
  "COPY",
  "SHOW",
  "EXPLAIN",
  "VALUES",
  "TABLE",
]);

/**
 * A NOTICE or WARNING as pg's "notice" event gives it: the fields of pg-protocol's NoticeMessage that the lab
 * reads, written out so that the bridge needs nothing from pg-protocol, which is pg's own dependency.
 */
export interface ServerNotice {
  severity?: string | undefined;
  message?: string | undefined;
  detail?: string | undefined;
  hint?: string | undefined;
  routine?: string | undefined;
  file?: string | undefined;
  line?: string | undefined;
}

/**
 * Runs a cell's statements one at a time, as psql does (so CREATE SUBSCRIPTION runs outside a transaction
 * block), keeping each statement's result and notices, stopping at the first error.
 */
export async function runCell(pool: pg.Pool, sql: string, options: RunOptions): Promise<QueryResponse> {
  const { node } = options;
  const pieces = splitSql(sql);
  const results: StatementResult[] = [];
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    if (pool.totalCount >= (pool.options.max ?? 10)) {
      const busy: SqlErrorInfo = {
        code: BRIDGE_CODES.busy,
        message: `all ${pool.totalCount} of the bridge's connections to "${node}" are busy`,
        hint: "Wait for running cells to finish, or cancel one.",
        node,
      };
      return { node, results, error: busy };
    }
    return { node, results, error: nodeDown(node, error) };
  }
  const key = backendKey(client);
  if (key) options.onBackend?.(key);
  let broken: Error | undefined;
  // A checked-out client has no listener of the pool's: without this, a server that dies between two
  // statements would crash the bridge with an unhandled 'error' event.
  const onLost = (error: Error) => (broken = error);
  client.on("error", onLost);
  let failure: SqlErrorInfo | undefined;
  // psql's \x lasts for the session; a cell is the session here.
  const display = { expanded: false };
  try {
    for (const piece of pieces) {
      if (options.signal?.aborted) {
        failure = {
          code: BRIDGE_CODES.cancelled,
          message: "canceling statement due to user request",
          node,
          position: piece.start + 1,
        };
        break;
      }
      const outcome =
        piece.kind === "meta"
          ? await runMetaPiece(client, piece, display, options, runStatement)
          : await runStatement(client, piece, options);
      if ("error" in outcome) {
        failure = outcome.error;
        broken = outcome.broken;
        break;
      }
      for (const result of "results" in outcome ? outcome.results : [outcome.result]) {
        if (display.expanded && result.psql === undefined && result.fields.length > 0) {
          result.psql = formatResult({ ...result, showRowCount: true }, { expanded: true });
        }
        results.push(result);
      }
    }
    if (!broken) await tidy(client, results, failure);
  } catch (error) {
    broken = error as Error;
    failure ??= nodeDown(node, error);
  } finally {
    client.off("error", onLost);
    client.release(broken ?? false);
  }
  return failure ? { node, results, error: failure } : { node, results };
}

async function runStatement(client: pg.PoolClient, piece: SqlPiece, options: RunOptions): Promise<StatementOutcome> {
  const notices: Notice[] = [];
  const onNotice = (message: ServerNotice) => notices.push(toNotice(message));
  client.on("notice", onNotice);
  try {
    const execution = await execute(client, piece.text, { ...options, copyInRefusal: COPY_IN_REFUSAL });
    if ("ok" in execution) {
      const { ok } = execution;
      if (ok.capped) notices.push(sizeCapWarning(ok.rows.length));
      return {
        result: {
          // A cell shows the command, not the counts psql's tag carries (rowCount has them).
          command: ok.tag.replace(/(\s+\d+)+$/, "") || commandOf(piece.text),
          rowCount: ok.rowCount,
          fields: ok.fields,
          rows: ok.rows,
          truncated: ok.truncated,
          notices,
          durationMs: ok.durationMs,
          span: [piece.start, piece.end],
        },
      };
    }
    if ("failed" in execution) return { error: sqlError(options.node, execution.failed, piece, notices) };
    if ("stopped" in execution) {
      const info: SqlErrorInfo = { ...execution.stopped, node: options.node, notices };
      return execution.lost ? { error: info, broken: execution.lost } : { error: info };
    }
    return { error: { ...nodeDown(options.node, execution.lost), notices }, broken: execution.lost };
  } finally {
    client.off("notice", onNotice);
  }
}

/**
 * Leaves the pooled connection as a fresh one: a cell that ends inside a transaction is rolled back (and
 * told so), and session settings a cell changed are discarded so that they don't leak into other cells.
 */
async function tidy(client: pg.PoolClient, results: StatementResult[], failure: SqlErrorInfo | undefined) {
  // The status of the last ReadyForQuery pg has read: T in a transaction block, E in a failed one.
  const status = client.getTransactionStatus();
  if (status === "T" || status === "E") {
    await client.query("ROLLBACK");
    const warning: Notice = {
      severity: "WARNING",
      message: "The cell ended inside a transaction, so the lab rolled it back.",
      hint: "Each cell runs on its own: put BEGIN and COMMIT in the same cell.",
    };
    const last = results[results.length - 1];
    if (failure) (failure.notices ??= []).push(warning);
    else if (last) last.notices.push(warning);
  }
  if (failure || results.some((result) => !STATELESS.has(result.command))) await client.query("DISCARD ALL");
}

/** Said with a result cut by size rather than by count, so that the page can tell the two apart. */
function sizeCapWarning(rows: number): Notice {
  return {
    severity: "WARNING",
    message:
      `The result is larger than the bridge's limit of ${megabytes(MAX_RESULT_CHARS)}: only its first ` +
      `${rows} rows are shown.`,
    hint: "Select fewer rows or a part of each value: LIMIT, left(column, 1000).",
  };
}

/** A statement whose rows were cut off never reached its command tag; its first word says what it was. */
function commandOf(text: string): string {
  const word = /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? "";
  return ["INSERT", "UPDATE", "DELETE", "MERGE", "FETCH", "SHOW", "EXPLAIN", "VALUES", "TABLE"].includes(word)
    ? word
    : "SELECT";
}

function toNotice(message: ServerNotice): Notice {
  const notice: Notice = { severity: message.severity ?? "NOTICE", message: message.message ?? "" };
  if (message.detail) notice.detail = message.detail;
  if (message.hint) notice.hint = message.hint;
  if (message.routine) notice.routine = message.routine;
  if (message.file) notice.file = message.file;
  if (message.line) notice.line = message.line;
  return notice;
}

function sqlError(node: CellNode, error: pg.DatabaseError, piece: SqlPiece, notices: Notice[]): SqlErrorInfo {
  const info: SqlErrorInfo = { code: error.code ?? "XX000", message: error.message, node };
  if (error.detail) info.detail = error.detail;
  if (error.hint) info.hint = error.hint;
  if (error.position) info.position = cellPosition(piece, Number(error.position));
  if (notices.length > 0) info.notices = notices;
  return info;
}

/** PostgreSQL counts characters from 1 within the statement; the page wants them within the whole cell. */
function cellPosition(piece: SqlPiece, position: number): number {
  const before = Array.from(piece.text)
    .slice(0, position - 1)
    .join("");
  return piece.start + before.length + 1;
}

/** A failure to reach the node, or a connection lost mid-statement, as one clear message. */
export function nodeDown(node: CellNode, error: unknown): SqlErrorInfo {
  const reason = error instanceof Error ? error.message : String(error);
  return { code: BRIDGE_CODES.nodeDown, message: `node "${node}" is down`, detail: reason, node };
}
