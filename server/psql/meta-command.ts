// A psql meta-command in a cell or a console session. \x, \g and \watch change how the SQL runs, so they are
// handled here; the describe commands (\dRp+, \dRs+, \dt, \d) come from server/psql/describe, the one
// implementation that the cells, the console and the lesson replay share.
import pg from "pg";
import { BRIDGE_CODES, type SqlErrorInfo, type StatementResult } from "../../shared/api-types.ts";
import { formatResult, type Display, type Expanded } from "./format.ts";
import type { MetaPiece, SqlPiece } from "./split-sql.ts";
import { MetaError, runMeta } from "./describe/index.ts";
import type { RunOptions, StatementOutcome } from "../db/run-types.ts";

export type MetaOutcome = { results: StatementResult[] } | { error: SqlErrorInfo; broken?: Error };

/** How the caller runs one statement: the cells on a pooled client, the console on its session's own. */
type RunStatement<Client> = (client: Client, piece: SqlPiece, options: RunOptions) => Promise<StatementOutcome>;

function failure(piece: MetaPiece, options: RunOptions, message: string, hint?: string): MetaOutcome {
  const error: SqlErrorInfo = {
    code: BRIDGE_CODES.unsupported,
    message,
    position: piece.start + 1,
    node: options.node,
  };
  if (hint) error.hint = hint;
  return { error };
}

function note(piece: MetaPiece, message: string): StatementResult {
  return {
    command: `\\${piece.command}`,
    rowCount: null,
    fields: [],
    rows: [],
    truncated: false,
    notices: [],
    durationMs: 0,
    span: [piece.start, piece.end],
    message,
  };
}

/** What psql says after \x, in printPsetInfo's words. */
function expandedNote(expanded: Expanded): string {
  if (expanded === "auto") return "Expanded display is used automatically.";
  return `Expanded display is ${expanded ? "on" : "off"}.`;
}

export async function runMetaPiece<Client extends pg.ClientBase>(
  client: Client,
  piece: MetaPiece,
  display: Display,
  options: RunOptions,
  runStatement: RunStatement<Client>,
): Promise<MetaOutcome> {
  switch (piece.command) {
    case "x": {
      const setting = piece.args[0]?.toLowerCase();
      if (setting === "on" || setting === "off") display.expanded = setting === "on";
      else if (setting === "auto") display.expanded = "auto";
      // psql negates its number: auto (2) toggles to off, as on does.
      else if (setting === undefined) display.expanded = display.expanded === false;
      else
        return failure(piece, options, `\\x: unrecognized value "${piece.args[0]}" for "expanded": Boolean expected`);
      return { results: [note(piece, expandedNote(display.expanded))] };
    }
    case "g":
    case "gx":
    case "watch": {
      if (!piece.buffer) {
        return failure(
          piece,
          options,
          piece.command === "watch" ? "\\watch cannot be used with an empty query" : "\\g: the query buffer is empty",
        );
      }
      let seconds = 0;
      if (piece.command === "watch") {
        seconds = piece.args[0] === undefined ? 2 : Number(piece.args[0].replace(/^i(nterval)?=/, ""));
        if (!Number.isFinite(seconds) || seconds <= 0)
          return failure(piece, options, `\\watch: incorrect interval value "${piece.args[0]}"`);
      }
      const outcome = await runStatement(client, piece.buffer, options);
      if ("error" in outcome) return outcome;
      const { result } = outcome;
      if (piece.command === "gx" && result.fields.length > 0)
        result.psql = formatResult({ ...result, showRowCount: true }, { expanded: true });
      if (piece.command === "watch") result.watch = { seconds, sql: piece.buffer.text };
      return { results: [result] };
    }
    default:
      return describe(client, piece, display, options);
  }
}

/**
 * psql's warning for each argument a describe command did not use (it takes one pattern), printed after the
 * command's output; a command that failed gets none, since psql throws the rest of its line away silently.
 */
function ignoredArguments(piece: MetaPiece): string {
  return piece.args
    .slice(1)
    .map((arg) => `\\${piece.command}: extra argument "${arg}" ignored\n`)
    .join("");
}

async function describe(
  client: pg.ClientBase,
  piece: MetaPiece,
  display: Display,
  options: RunOptions,
): Promise<MetaOutcome> {
  const started = performance.now();
  const ignored = ignoredArguments(piece);
  try {
    const outputs = await runMeta(client, { command: piece.command, args: piece.args });
    const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    return {
      results: outputs.map((output, i) => ({
        command: `\\${piece.command}`,
        rowCount: output.rows.length,
        fields: output.fields,
        rows: output.rows,
        truncated: false,
        notices: [],
        durationMs,
        span: [piece.start, piece.end],
        psql: formatResult(output, display) + (i === outputs.length - 1 ? ignored : ""),
      })),
    };
  } catch (error) {
    if (error instanceof MetaError) {
      const message = error.reportOnly && ignored ? `${error.message}\n${ignored.trimEnd()}` : error.message;
      return failure(piece, options, message, error.hint);
    }
    // A catalog query can fail like any SQL (permission denied for a non-superuser, an aborted transaction):
    // that is the command's error, with its SQLSTATE, not a node gone down.
    if (error instanceof pg.DatabaseError) {
      const info: SqlErrorInfo = {
        code: error.code ?? "XX000",
        message: error.message,
        node: options.node,
        position: piece.start + 1,
      };
      if (error.detail) info.detail = error.detail;
      if (error.hint) info.hint = error.hint;
      return { error: info };
    }
    throw error;
  }
}
