// The room's grid and stuck list drawn from the hub's grid (issue 14): attendees down, the lessons' steps and
// checks across, grouped under their lesson, each cell's mark as a colour AND a symbol (✓ done, ✗ failed, · not yet:
// readable without colour, and data-mark says it for tests), and above each column how many are done. A new grid
// replaces the old one in place; the scroll position inside the grid is kept.
import type { RoomColumn } from "../../../shared/room/columns.ts";
import type { RoomGridData, RoomMark, RoomStuckEntry } from "../../../shared/room/room-api.ts";
import { clock, h } from "./dom.ts";

const SYMBOL: Record<RoomMark, string> = { done: "✓", failed: "✗", "not-yet": "·" };
const WORDS: Record<RoomMark, string> = { done: "done", failed: "failed", "not-yet": "not yet" };

/** "05-subscriptions" is "5 · subscriptions". */
export function lessonTitle(lesson: string): string {
  const match = /^(\d+)-(.*)$/.exec(lesson);
  return match ? `${Number(match[1])} · ${match[2]!.replaceAll("-", " ")}` : lesson;
}

/** The column's label without its lesson's number, which the lesson's header above says. */
function shortLabel(column: RoomColumn): string {
  return column.label.replace(/^\d+ · /, "");
}

/** Consecutive columns of one lesson, for the header row above the columns. */
function lessonGroups(columns: RoomColumn[]): Array<{ lesson: string; span: number }> {
  const groups: Array<{ lesson: string; span: number }> = [];
  for (const column of columns) {
    const last = groups.at(-1);
    if (last?.lesson === column.lesson) last.span++;
    else groups.push({ lesson: column.lesson, span: 1 });
  }
  return groups;
}

function headRows(grid: RoomGridData): HTMLTableSectionElement {
  const groups = lessonGroups(grid.columns);
  const lessons = h(
    "tr",
    { class: "room-grid__lessons" },
    h("th", { class: "room-grid__corner", rowspan: 3, scope: "col" }, "Attendee"),
    ...groups.map((group) =>
      h("th", { colspan: group.span, scope: "colgroup", "data-lesson": group.lesson }, lessonTitle(group.lesson)),
    ),
  );
  const labels = h(
    "tr",
    { class: "room-grid__labels" },
    ...grid.columns.map((column) =>
      h("th", { scope: "col", "data-column": column.id, title: column.label }, h("span", {}, shortLabel(column))),
    ),
  );
  const counts = h(
    "tr",
    { class: "room-grid__counts" },
    ...grid.counts.map((count, i) =>
      h(
        "td",
        {
          "data-column": count.columnId,
          "data-done": count.done,
          title: `${count.done} of ${count.of} have done ${grid.columns[i]?.label ?? ""}`,
        },
        `${count.done} of ${count.of}`,
      ),
    ),
  );
  return h("thead", {}, lessons, labels, counts);
}

function bodyRows(grid: RoomGridData, stuck: ReadonlySet<string>): HTMLTableSectionElement {
  return h(
    "tbody",
    {},
    ...grid.rows.map((row) =>
      h(
        "tr",
        { "data-attendee": row.attendee.id, "data-stuck": stuck.has(row.attendee.id) },
        h(
          "th",
          { scope: "row" },
          h("button", { type: "button", class: "room-open", "data-open": row.attendee.id }, row.attendee.displayName),
          h("span", { class: "room-grid__lab" }, `lab ${row.attendee.labId}`),
        ),
        ...row.marks.map((mark, i) =>
          h(
            "td",
            {
              "data-mark": mark,
              "data-column": grid.columns[i]?.id,
              title: `${row.attendee.displayName} · ${grid.columns[i]?.label ?? ""}: ${WORDS[mark]}`,
            },
            h("span", { "aria-hidden": "true" }, SYMBOL[mark]),
            h("span", { class: "sr-only" }, WORDS[mark]),
          ),
        ),
      ),
    ),
  );
}

/** Draws `grid` into `scroller` (the element that scrolls sideways), keeping where it was scrolled to. */
export function drawGrid(scroller: HTMLElement, grid: RoomGridData): void {
  const { scrollLeft, scrollTop } = scroller;
  const stuck = new Set(grid.stuck.map((entry) => entry.attendee.id));
  const table = h("table", { class: "room-grid__table" }, headRows(grid), bodyRows(grid, stuck));
  if (grid.rows.length === 0) {
    scroller.replaceChildren(h("p", { class: "room-empty" }, "Nobody has joined yet: the join page has the code."));
    return;
  }
  scroller.replaceChildren(table);
  scroller.scrollLeft = scrollLeft;
  scroller.scrollTop = scrollTop;
}

function stuckItem(entry: RoomStuckEntry): HTMLLIElement {
  const error = entry.lastError;
  return h(
    "li",
    { class: "room-stuck__entry", "data-attendee": entry.attendee.id },
    h(
      "div",
      { class: "room-stuck__who" },
      h("strong", {}, entry.attendee.displayName),
      h("span", { class: "room-grid__lab" }, `lab ${entry.attendee.labId}`),
      h("button", { type: "button", class: "room-open", "data-open": entry.attendee.id }, "Open"),
    ),
    h(
      "ul",
      { class: "room-stuck__reasons" },
      ...entry.reasons.map((reason) => h("li", { "data-rule": reason.rule }, reason.text)),
    ),
    error &&
      h(
        "p",
        { class: "room-stuck__error" },
        "Last error",
        error.lesson ? ` (${error.lesson}${error.step ? ` step ${error.step}` : ""}, ${clock(error.at)})` : "",
        ": ",
        error.sqlstate ? h("code", { class: "room-sqlstate" }, error.sqlstate) : "",
        error.sqlstate ? " " : "",
        error.message ?? "",
      ),
  );
}

export function drawStuck(list: HTMLElement, stuck: RoomStuckEntry[]): void {
  if (stuck.length === 0) list.replaceChildren(h("li", { class: "room-empty" }, "Nobody is stuck."));
  else list.replaceChildren(...stuck.map(stuckItem));
}
