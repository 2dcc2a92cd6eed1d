// Turns the bridge's answers into the DOM under a cell: a table per result, notices in order, errors the
// way psql shows them (with LINE and a caret), and for fan-out cells one column per node.
import { fingerprint } from "../../../shared/lessons/expectations.ts";
import {
  BRIDGE_CODES,
  type Notice,
  type QueryResponse,
  type SqlErrorInfo,
  type StatementResult,
} from "../../../shared/api-types.ts";
import { errorPosition } from "../../../shared/psql-error-position.ts";
import { focusableWhenScrolling } from "../scroll-focus.ts";

/** Values longer than this are folded; a click shows them whole. */
const FOLD_AT = 160;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

function duration(ms: number): string {
  return ms < 1 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function valueCell(value: string | null): HTMLTableCellElement {
  const td = el("td");
  if (value === null) {
    td.append(el("span", "cell-null", "NULL"));
  } else if (value.length > FOLD_AT) {
    const short = el("span", "cell-folded", `${value.slice(0, FOLD_AT)}…`);
    const more = el("button", "cell-unfold", `show all ${value.length} characters`);
    more.type = "button";
    more.addEventListener("click", () => td.replaceChildren(value));
    td.append(short, " ", more);
  } else {
    td.textContent = value;
  }
  return td;
}

function table(result: StatementResult): HTMLElement {
  const wrap = el("div", "cell-table-wrap");
  const grid = el("table", "cell-table");
  const head = el("tr");
  for (const field of result.fields) {
    const th = el("th", undefined, field.name);
    th.title = field.type;
    th.scope = "col";
    head.append(th);
  }
  grid.append(el("thead"), el("tbody"));
  grid.tHead!.append(head);
  for (const row of result.rows) {
    const tr = el("tr");
    for (const value of row) tr.append(valueCell(value));
    grid.tBodies[0]!.append(tr);
  }
  wrap.append(grid);
  return focusableWhenScrolling(wrap, `${summary(result)} (scrolls)`);
}

function renderNotices(notices: Notice[]): HTMLElement[] {
  return notices.map((notice) => {
    const line = el("div", `cell-notice cell-notice--${notice.severity.toLowerCase()}`);
    line.append(el("strong", undefined, `${notice.severity}:`), ` ${notice.message}`);
    if (notice.detail) line.append(el("div", "cell-notice__extra", `DETAIL: ${notice.detail}`));
    if (notice.hint) line.append(el("div", "cell-notice__extra", `HINT: ${notice.hint}`));
    // Where in the server's source the notice was raised, as psql prints it with VERBOSITY verbose: it tells
    // which server spoke, and which of its functions.
    if (notice.routine) {
      const where = el(
        "div",
        "cell-notice__extra cell-notice__where",
        `LOCATION: ${notice.routine}, ${notice.file ?? "?"}:${notice.line ?? "?"}`,
      );
      where.title = "The function in the PostgreSQL source of this node that raised the notice";
      line.append(where);
    }
    return line;
  });
}

function summary(result: StatementResult): string {
  if (result.fields.length === 0) return result.command;
  const count = result.truncated
    ? `first ${result.rows.length} rows (more were cut)`
    : `${result.rows.length} row${result.rows.length === 1 ? "" : "s"}`;
  return `${result.command} · ${count}`;
}

function renderResult(result: StatementResult): HTMLElement {
  const block = el("section", "cell-result");
  block.append(...renderNotices(result.notices));
  if (result.message) block.append(el("div", "cell-message", result.message));
  if (result.psql !== undefined) {
    const psql = el("pre", "cell-psql", result.psql.replace(/\n+$/, ""));
    block.append(focusableWhenScrolling(psql, `psql's output of ${result.command} (scrolls)`));
  } else if (result.fields.length > 0) {
    block.append(table(result));
  }
  if (result.psql === undefined || result.fields.length === 0) {
    const meta = el("div", "cell-result__meta");
    meta.append(
      el("span", "cell-result__tag", summary(result)),
      el("span", "cell-result__time", duration(result.durationMs)),
    );
    if (!result.message) block.append(meta);
  }
  return block;
}

/**
 * psql's way of pointing at an error, as the console shows it: the offending line, then a caret under the
 * position; empty past the SQL. The bridge gives the position as an offset into the cell's string (UTF-16 code
 * units, as `span` is), libpq counts characters, so an emoji before the error counts once.
 */
export function errorPointer(sql: string, position: number): string {
  const past = Math.max(0, position - 1 - sql.length);
  const characters = Array.from(sql.slice(0, position - 1)).length + past + 1;
  return errorPosition(sql, characters).replace(/\n$/, "");
}

function renderError(error: SqlErrorInfo, sql: string, expected: boolean): HTMLElement {
  const box = el("div", `cell-error${expected ? " cell-error--expected" : ""}`);
  box.setAttribute("role", expected ? "status" : "alert");
  if (error.notices) box.append(...renderNotices(error.notices));
  const head = el("div", "cell-error__head");
  const label = error.code === BRIDGE_CODES.nodeDown ? "NODE DOWN" : "ERROR";
  head.append(
    el("strong", undefined, `${label}:`),
    " ",
    el("span", "cell-error__message", error.message),
    " ",
    el("code", "cell-error__code", error.code),
  );
  box.append(head);
  if (error.position) {
    const pointer = errorPointer(sql, error.position);
    if (pointer)
      box.append(focusableWhenScrolling(el("pre", "cell-error__pointer", pointer), "Where the error is (scrolls)"));
  }
  if (error.detail) box.append(el("div", "cell-error__extra", `DETAIL: ${error.detail}`));
  if (error.hint) box.append(el("div", "cell-error__extra", `HINT: ${error.hint}`));
  if (error.code === BRIDGE_CODES.nodeDown) {
    box.append(
      el("div", "cell-error__extra", `The other nodes are not affected. Start ${error.node} again to run this cell.`),
    );
  }
  return box;
}

export function renderResponse(response: QueryResponse, sql: string, expectedError: boolean): HTMLElement {
  const part = el("div", "cell-node-output");
  for (const result of response.results) part.append(renderResult(result));
  if (response.error) part.append(renderError(response.error, sql, expectedError));
  return part;
}

export interface WatchRoundTitle {
  seconds: number;
  /** When the round started. */
  at: Date;
  /** A node's name, or "all nodes". */
  where: string;
  /** 1 for the run that started the watch, then one more each round. */
  round: number;
}

/**
 * The line over a \watch round, as psql titles each one: the interval, when the round ran and where
 * ("Every 1 s · 12:00:01 · on all nodes"). `data-round` carries the round's number.
 */
export function watchTitle({ seconds, at, where, round }: WatchRoundTitle): HTMLElement {
  const title = el("div", "cell-watch-title", `Every ${seconds} s · ${at.toLocaleTimeString()} · on ${where}`);
  title.dataset["round"] = String(round);
  return title;
}

export { el, duration, fingerprint };
