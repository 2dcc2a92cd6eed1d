// psql's "aligned" output format (\pset format aligned, border 1, linestyle ascii: psql's defaults), byte for
// byte, following print_aligned_text and print_aligned_vertical in PostgreSQL's src/fe_utils/print.c.
// Pure functions on the bridge: cells, the console and the describe commands print through them. Column widths
// come from shared/psql-display.ts, which the page's terminal measures its lines with too.

import { displayLines, type Line } from "../../shared/psql-display.ts";

export interface PsqlResult {
  /** Printed above the table: centred over it when narrower, e.g. `List of publications`. */
  title?: string;
  /** `type` is the type's name as format_type() gives it: numeric types are right-aligned. */
  fields: { name: string; type: string }[];
  /** Values as PostgreSQL prints them; null is shown as nothing, as psql does by default. */
  rows: (string | null)[][];
  /** Lines printed under the table, e.g. `Tables:` then `    "public.users"`. */
  footers?: string[];
  /** psql's default footer, `(N rows)`: printed only when there are no other footers. */
  showRowCount: boolean;
  /** Overrides the session's \x: psql prints `\d TABLE` unexpanded even under \x. */
  expanded?: boolean;
}

/** psql's \x: on, off, or auto, expanded when the aligned table would be wider than the terminal. */
export type Expanded = boolean | "auto";

/** How a session shows its results: \x, and the width of the terminal they go to, when they go to one. */
export interface Display {
  expanded: Expanded;
  /** The terminal's columns, as the page's console last measured them; absent for cells, as for psql's pipes. */
  columns?: number;
}

export interface FormatOptions {
  /** \x: one `-[ RECORD n ]` block per row; auto: that when the aligned table would not fit in `columns`. */
  expanded: Expanded;
  columns?: number;
}

/** psql's column_type_alignment() right-aligns these types; format_type() names them, so match both spellings. */
const RIGHT_ALIGNED_TYPES = [
  "smallint",
  "integer",
  "bigint",
  "real",
  "double precision",
  String.raw`numeric(\(\d+(,\s*-?\d+)?\))?`,
  ...["oid", "xid", "xid8", "cid", "money", "int2", "int4", "int8", "float4", "float8"],
];
const RIGHT_ALIGNED = new RegExp(`^(${RIGHT_ALIGNED_TYPES.join("|")})$`);

export function isRightAligned(type: string): boolean {
  return RIGHT_ALIGNED.test(type);
}

/** The text psql prints for one result, ending with the blank line psql puts after every table. */
export function formatResult(result: PsqlResult, options: FormatOptions): string {
  const expanded = result.expanded ?? options.expanded;
  if (expanded === "auto") {
    // As print_aligned_text does under \x auto: expanded only when the output goes to a terminal it can't fit in.
    const fits = options.columns === undefined || alignedLayout(result).totalWidth <= options.columns;
    return fits ? formatAligned(result) : formatExpanded(result);
  }
  return expanded ? formatExpanded(result) : formatAligned(result);
}

/** The aligned table's cells split into lines, each column's width, and the table's width with its separators. */
function alignedLayout(result: PsqlResult) {
  const columnCount = result.fields.length;
  const headers = result.fields.map((field) => displayLines(field.name));
  const cells = result.rows.map((row) => result.fields.map((_, i) => displayLines(row[i] ?? "")));
  const widths = headers.map((lines, i) =>
    cells.reduce((width, row) => Math.max(width, widest(row[i] ?? [])), widest(lines)),
  );
  const totalWidth = (columnCount > 0 ? columnCount * 3 - 1 : 0) + widths.reduce((a, b) => a + b, 0);
  return { columnCount, headers, cells, widths, totalWidth };
}

function formatAligned(result: PsqlResult): string {
  const { columnCount, headers, cells, widths, totalWidth } = alignedLayout(result);
  const right = result.fields.map((field) => isRightAligned(field.type));

  let out = "";
  if (result.title !== undefined) {
    const titleWidth = widest(displayLines(result.title));
    out += titleWidth >= totalWidth ? result.title : spaces(Math.floor((totalWidth - titleWidth) / 2)) + result.title;
    out += "\n";
  }

  const headerHeight = headers.reduce((height, lines) => Math.max(height, lines.length), 0);
  for (let line = 0; line < headerHeight; line++) {
    for (let i = 0; i < columnCount; i++) {
      const lines = headers[i] ?? [];
      const width = widths[i] ?? 0;
      const current = lines[line];
      out += " ";
      if (current) {
        const room = width - current.width;
        out += spaces(Math.floor(room / 2)) + current.text + spaces(Math.floor((room + 1) / 2));
        // A header with more lines below is marked `+`, like a multi-line value.
        out += line < lines.length - 1 ? "+" : " ";
      } else {
        out += spaces(width) + " ";
      }
      if (i < columnCount - 1) out += "|";
    }
    out += "\n";
  }
  out += "-" + widths.map((width) => "-".repeat(width)).join("-+-") + "-\n";

  // With no columns psql has no cells to walk, so it prints no row lines at all (SELECT; gives `--`).
  if (columnCount > 0) for (const row of cells) out += alignedRow(row, widths, right);
  return (
    out +
    defaultFooters(result)
      .map((footer) => footer + "\n")
      .join("") +
    "\n"
  );
}

/** One row, as several display lines when a value holds newlines: each continued value ends in `+`. */
function alignedRow(row: Line[][], widths: number[], right: boolean[]): string {
  const columnCount = widths.length;
  const next = new Array<number>(columnCount).fill(0);
  let out = "";
  let more: boolean;
  do {
    more = false;
    for (let j = 0; j < columnCount; j++) {
      const lines = row[j] ?? [];
      const width = widths[j] ?? 0;
      const notLast = j < columnCount - 1;
      const line = lines[next[j] ?? 0];
      let used = width;
      out += " ";
      if (!line) {
        if (notLast) out += spaces(width);
      } else {
        used = line.width;
        out += right[j] ? spaces(width - line.width) + line.text : line.text;
        next[j] = (next[j] ?? 0) + 1;
        if (lines[next[j] ?? 0]) more = true;
      }
      const continues = line !== undefined && lines[next[j] ?? 0] !== undefined;
      if (!right[j] && (notLast || continues)) out += spaces(width - used);
      if (continues) out += "+";
      else if (notLast) out += " ";
      if (notLast) out += "|";
    }
    out += "\n";
  } while (more);
  return out;
}

function formatExpanded(result: PsqlResult): string {
  if (result.rows.length === 0 || result.fields.length === 0) {
    // psql prints neither title nor headers for an expanded result without cells, only its footers.
    const footers = defaultFooters(result);
    return footers.map((footer) => footer + "\n").join("") + "\n";
  }
  const headers = result.fields.map((field) => displayLines(field.name));
  const cells = result.rows.map((row) => result.fields.map((_, i) => displayLines(row[i] ?? "")));
  const headerWidth = headers.reduce((width, lines) => Math.max(width, widest(lines)), 0);
  // psql widens the data side to fit the record label only in its wrapped format, not in aligned.
  const dataWidth = cells.reduce(
    (width, row) => row.reduce((rowWidth, lines) => Math.max(rowWidth, widest(lines)), width),
    0,
  );
  let out = result.title !== undefined ? result.title + "\n" : "";
  cells.forEach((row, r) => {
    out += recordLine(r + 1, headerWidth, dataWidth);
    row.forEach((data, i) => {
      const header = headers[i] ?? [];
      let h = 0;
      let d = 0;
      let headerDone = false;
      let dataDone = false;
      while (!headerDone || !dataDone) {
        const headerLine = header[h];
        if (!headerDone && headerLine) {
          out += headerLine.text + spaces(headerWidth - headerLine.width);
          if (header[h + 1]) {
            out += "+";
            h++;
          } else {
            out += " ";
            headerDone = true;
          }
        } else {
          headerDone = true;
          out += spaces(headerWidth + 1);
        }
        out += "|";
        const dataLine = data[d];
        if (!dataDone && dataLine) {
          out += " " + dataLine.text;
          if (data[d + 1]) {
            out += spaces(dataWidth - dataLine.width) + "+";
            d++;
          } else {
            dataDone = true;
          }
        } else {
          dataDone = true;
        }
        out += "\n";
      }
    });
  });
  const footers = result.footers ?? [];
  if (footers.length > 0) out += "\n" + footers.map((footer) => footer + "\n").join("");
  return out + "\n";
}

/** `-[ RECORD 1 ]-+------`: the record label runs over into the data side when the names are narrow. */
function recordLine(record: number, headerWidth: number, dataWidth: number): string {
  const label = `[ RECORD ${record} ]`;
  let out = "-" + label;
  let overrun = label.length + 1;
  out += "-".repeat(Math.max(0, headerWidth - overrun));
  overrun -= headerWidth;
  if (overrun-- <= 0) out += "-";
  if (overrun-- <= 0) out += "+";
  if (overrun-- <= 0) out += "-";
  out += "-".repeat(Math.max(0, dataWidth - Math.max(0, overrun)));
  return out + "\n";
}

/** psql's footers_with_default(): the given footers, or `(N rows)` when there are none and it is wanted. */
function defaultFooters(result: PsqlResult): string[] {
  if (result.footers && result.footers.length > 0) return result.footers;
  if (!result.showRowCount) return [];
  const count = result.rows.length;
  return [`(${count} ${count === 1 ? "row" : "rows"})`];
}

function widest(lines: Line[]): number {
  return lines.reduce((width, line) => Math.max(width, line.width), 0);
}

function spaces(count: number): string {
  return count > 0 ? " ".repeat(count) : "";
}
