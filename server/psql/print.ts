// What psql prints, as text: results in its aligned format with the command tag, errors and notices with
// their fields, \timing's line and \watch's title. Pure functions; the session sends their text as is.
import { MAX_RESULT_CHARS, megabytes } from "../db/limits.ts";
import { BRIDGE_CODES, type NodeName, type SqlErrorInfo, type StatementResult } from "../../shared/api-types.ts";
import { formatResult, type Display, type PsqlResult } from "./format.ts";
import type { MetaOutcome } from "./meta-command.ts";
import type { StatementOutcome } from "../db/run-types.ts";
import { errorPosition } from "../../shared/psql-error-position.ts";

/** A statement's result as the console keeps it. */
export interface ConsoleResult extends StatementResult {
  /** The server sent rows, maybe of no columns (`SELECT;`). */
  tuples?: boolean;
  /** What COPY ... TO STDOUT sent. */
  copied?: string;
  /** The rows were cut by the bridge's size limit, not its row limit. */
  cutBySize?: boolean;
}

/** An error as the console keeps it: the server's fields, and the statement its position points into. */
export interface ConsoleError extends SqlErrorInfo {
  /** ERROR, or FATAL when the server ends the connection. */
  severity?: string;
  /** The text sent to the server, for the `LINE n:` display; absent for errors of meta-commands. */
  statement?: string;
  /** A query run inside the statement (by a function) that failed, and the position within it. */
  internalQuery?: string;
  internalPosition?: number;
  /** Where in a function the error happened (`PL/pgSQL function ... line 3 at RAISE`). */
  context?: string;
}

export const NOT_CONNECTED = "You are currently not connected to a database.\n";

/** In place of psql's banner: the server and the node, since every node's database is called replication. */
export function greetingText(version: string, node: NodeName): string {
  return `PostgreSQL ${version} on node "${node}". Type \\? for help.\n\n`;
}

/** A node that can't be reached: psql's connection error, then either psql's note or what to do. */
export function nodeDownText(node: NodeName, reason: string, kept: boolean): string {
  const next = kept
    ? "Previous connection kept"
    : `Start ${node} from the lab's status panel, or connect to another node (\\c master).`;
  return `psql: error: node "${node}" is down: ${reason}\n${next}\n`;
}

/** psql prints the command tag after the rows of a data-modifying statement with RETURNING. */
const TAG_AFTER_ROWS = /^(INSERT|UPDATE|DELETE|MERGE)\b/;

export function resultText(result: ConsoleResult, display: Display, title?: string): string {
  if (result.message !== undefined) return `${result.message}\n`;
  const tuples = result.tuples ?? result.fields.length > 0;
  let text = result.psql ?? result.copied ?? "";
  if (result.psql === undefined && tuples) {
    const table: PsqlResult = { fields: result.fields, rows: result.rows, showRowCount: true };
    if (title !== undefined) table.title = title;
    if (result.truncated) {
      const shown = result.rows.length;
      table.footers = [
        result.cutBySize
          ? `(first ${shown} rows: the rest passed the bridge's limit of ${megabytes(MAX_RESULT_CHARS)} per ` +
            `result, and was cancelled)`
          : `(first ${shown} rows: the console prints at most ${shown} rows of a result)`,
      ];
    }
    text = formatResult(table, display);
  }
  if (!tuples || TAG_AFTER_ROWS.test(result.command)) text += `${result.command}\n`;
  return text;
}

/** What psql prints for a statement's or a meta-command's outcome, short of a lost connection. */
export function outcomeText(
  outcome: StatementOutcome | MetaOutcome,
  display: Display & { timing: boolean },
  title?: string,
): string {
  if ("error" in outcome) {
    const error: ConsoleError = outcome.error;
    // psql's own complaints (invalid command \foo) come without a severity, their hint on the next line.
    if (error.code === BRIDGE_CODES.unsupported) return `${error.message}\n${error.hint ? `${error.hint}\n` : ""}`;
    return errorText(error);
  }
  let text = "";
  for (const result of "results" in outcome ? outcome.results : [outcome.result]) {
    text += resultText(result, display, title);
    // psql times the queries it sends, not the catalog queries of \d and friends.
    if (display.timing && result.message === undefined && !result.command.startsWith("\\"))
      text += timingText(result.durationMs);
  }
  return text;
}

/**
 * libpq's default verbosity: the message, the position, then DETAIL, HINT, QUERY and CONTEXT,
 * two spaces after each colon.
 */
export function errorText(error: ConsoleError): string {
  let text = `${error.severity ?? "ERROR"}:  ${error.message}\n`;
  if (error.statement !== undefined && error.position !== undefined) {
    text += errorPosition(error.statement, error.position);
  } else if (error.internalQuery !== undefined && error.internalPosition !== undefined) {
    text += errorPosition(error.internalQuery, error.internalPosition);
  }
  if (error.detail) text += `DETAIL:  ${error.detail}\n`;
  if (error.hint) text += `HINT:  ${error.hint}\n`;
  if (error.internalQuery) text += `QUERY:  ${error.internalQuery}\n`;
  if (error.context) text += `CONTEXT:  ${error.context}\n`;
  return text;
}

/** A NOTICE or WARNING as psql shows it: without the CONTEXT, which psql keeps for errors. */
export function noticeText(notice: {
  severity?: string | undefined;
  message?: string | undefined;
  detail?: string | undefined;
  hint?: string | undefined;
}): string {
  let text = `${notice.severity ?? "NOTICE"}:  ${notice.message ?? ""}\n`;
  if (notice.detail) text += `DETAIL:  ${notice.detail}\n`;
  if (notice.hint) text += `HINT:  ${notice.hint}\n`;
  return text;
}

/** What psql prints when a NOTIFY arrives on a channel the session LISTENs to. */
export function notificationText(notification: {
  channel: string;
  payload?: string | undefined;
  processId: number;
}): string {
  const payload = notification.payload ? ` with payload "${notification.payload}"` : "";
  return (
    `Asynchronous notification "${notification.channel}"${payload} received from server process with PID ` +
    `${notification.processId}.\n`
  );
}

/** psql's PrintTiming(): milliseconds, and from one second on also the time as [[hh:]mm:]ss.fff. */
export function timingText(ms: number): string {
  if (ms < 1000) return `Time: ${ms.toFixed(3)} ms\n`;
  let seconds = ms / 1000;
  let minutes = Math.floor(seconds / 60);
  seconds -= 60 * minutes;
  const sss = seconds.toFixed(3).padStart(6, "0");
  if (minutes < 60) return `Time: ${ms.toFixed(3)} ms (${two(minutes)}:${sss})\n`;
  let hours = Math.floor(minutes / 60);
  minutes -= 60 * hours;
  if (hours < 24) return `Time: ${ms.toFixed(3)} ms (${two(hours)}:${two(minutes)}:${sss})\n`;
  const days = Math.floor(hours / 24);
  hours -= 24 * days;
  return `Time: ${ms.toFixed(3)} ms (${days} d ${two(hours)}:${two(minutes)}:${sss})\n`;
}

const two = (value: number) => String(value).padStart(2, "0");

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** \watch's title: the time as strftime's %c gives it in the C locale, and the interval (`(every 2s)`). */
export function watchTitle(at: Date, seconds: number): string {
  const day = String(at.getDate()).padStart(2, " ");
  const time = `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
  return `${DAYS[at.getDay()]} ${MONTHS[at.getMonth()]} ${day} ${time} ${at.getFullYear()} (every ${seconds}s)\n`;
}

/** What psql says when the server goes away under a statement, and how its attempt to reconnect went. */
export function lostText(fatal: string | undefined, reconnected: boolean): string {
  return (
    (fatal ? `FATAL:  ${fatal}\n` : "") +
    "server closed the connection unexpectedly\n" +
    "\tThis probably means the server terminated abnormally\n" +
    "\tbefore or while processing the request.\n" +
    `The connection to the server was lost. Attempting reset: ${reconnected ? "Succeeded." : "Failed."}\n`
  );
}
