// What psql prints, as text: results in its aligned format with the command tag, errors and notices with
// their fields, \timing's line and \watch's title. Pure functions; the session sends their text as is.
import type { SqlErrorInfo, StatementResult } from "../../src/lib/api-types.ts";
import { formatResult, type PsqlResult } from "../../src/lib/psql-format.ts";
import { errorPosition } from "./error-position.ts";

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

/** psql prints the command tag after the rows of a data-modifying statement with RETURNING. */
const TAG_AFTER_ROWS = /^(INSERT|UPDATE|DELETE|MERGE)\b/;

export function resultText(result: StatementResult, expanded: boolean, title?: string): string {
  if (result.message !== undefined) return `${result.message}\n`;
  let text = result.psql ?? "";
  if (result.psql === undefined && result.fields.length > 0) {
    const table: PsqlResult = { fields: result.fields, rows: result.rows, showRowCount: true };
    if (title !== undefined) table.title = title;
    if (result.truncated) {
      const shown = result.rows.length;
      table.footers = [`(first ${shown} rows: the console prints at most ${shown} rows of a result)`];
    }
    text = formatResult(table, { expanded });
  }
  if (result.fields.length === 0 || TAG_AFTER_ROWS.test(result.command)) text += `${result.command}\n`;
  return text;
}

/** libpq's default verbosity: the message, the position, then DETAIL, HINT, QUERY and CONTEXT, two spaces after each colon. */
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
export function noticeText(notice: { severity?: string | undefined; message?: string | undefined; detail?: string | undefined; hint?: string | undefined }): string {
  let text = `${notice.severity ?? "NOTICE"}:  ${notice.message ?? ""}\n`;
  if (notice.detail) text += `DETAIL:  ${notice.detail}\n`;
  if (notice.hint) text += `HINT:  ${notice.hint}\n`;
  return text;
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
