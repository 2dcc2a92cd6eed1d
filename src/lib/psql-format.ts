// psql's "aligned" output format (\pset format aligned, border 1, linestyle ascii: psql's defaults), byte for
// byte, following print_aligned_text and print_aligned_vertical in PostgreSQL's src/fe_utils/print.c.
// Pure functions: the page formats results in the browser, the bridge formats them for tests.

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

export interface FormatOptions {
  /** \x: one `-[ RECORD n ]` block per row. */
  expanded: boolean;
}

/** psql's column_type_alignment() right-aligns these types; format_type() names them, so match both spellings. */
const RIGHT_ALIGNED =
  /^(smallint|integer|bigint|real|double precision|numeric(\(\d+(,\s*-?\d+)?\))?|oid|xid|xid8|cid|money|int2|int4|int8|float4|float8)$/;

export function isRightAligned(type: string): boolean {
  return RIGHT_ALIGNED.test(type);
}

/** The text psql prints for one result, ending with the blank line psql puts after every table. */
export function formatResult(result: PsqlResult, options: FormatOptions): string {
  const expanded = result.expanded ?? options.expanded;
  return expanded ? formatExpanded(result) : formatAligned(result);
}

/** One display line of a value: its text as psql shows it, and how many terminal columns that takes. */
interface Line {
  text: string;
  width: number;
}

function formatAligned(result: PsqlResult): string {
  const columnCount = result.fields.length;
  const headers = result.fields.map((field) => displayLines(field.name));
  const cells = result.rows.map((row) => result.fields.map((_, i) => displayLines(row[i] ?? "")));
  const right = result.fields.map((field) => isRightAligned(field.type));
  const widths = headers.map((lines, i) => cells.reduce((width, row) => Math.max(width, widest(row[i] ?? [])), widest(lines)));
  const totalWidth = (columnCount > 0 ? columnCount * 3 - 1 : 0) + widths.reduce((a, b) => a + b, 0);

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
  return out + defaultFooters(result).map((footer) => footer + "\n").join("") + "\n";
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
  const dataWidth = cells.reduce((width, row) => row.reduce((rowWidth, lines) => Math.max(rowWidth, widest(lines)), width), 0);
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

/**
 * Splits a value into display lines as psql's pg_wcsformat() does: a tab moves to the next multiple of 8,
 * a carriage return shows as `\r`, other control characters as `\xNN` (or `\uNNNN` past ASCII).
 */
export function displayLines(value: string): Line[] {
  const lines: Line[] = [];
  let text = "";
  let width = 0;
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === "\n") {
      lines.push({ text, width });
      text = "";
      width = 0;
    } else if (char === "\r") {
      text += "\\r";
      width += 2;
    } else if (char === "\t") {
      do {
        text += " ";
        width++;
      } while (width % 8 !== 0);
    } else if (code < 0x20 || code === 0x7f) {
      text += "\\x" + code.toString(16).toUpperCase().padStart(2, "0");
      width += 4;
    } else if (code >= 0x80 && code < 0xa0) {
      text += "\\u" + code.toString(16).toUpperCase().padStart(4, "0");
      width += 6;
    } else {
      text += char;
      width += charWidth(code);
    }
  }
  lines.push({ text, width });
  return lines;
}

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

/** Terminal columns of a printable character, as PostgreSQL's ucs_wcwidth() counts them. */
function charWidth(code: number): number {
  if (ZERO_WIDTH.test(String.fromCodePoint(code))) return 0;
  return isWide(code) ? 2 : 1;
}

/** Unicode's East Asian Wide and Fullwidth ranges (CJK, Hangul, fullwidth forms, emoji). */
const WIDE: [number, number][] = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x23f0, 0x23f0], [0x23f3, 0x23f3],
  [0x25fd, 0x25fe], [0x2614, 0x2615], [0x2648, 0x2653], [0x267f, 0x267f], [0x2693, 0x2693], [0x26a1, 0x26a1],
  [0x26aa, 0x26ab], [0x26bd, 0x26be], [0x26c4, 0x26c5], [0x26ce, 0x26ce], [0x26d4, 0x26d4], [0x26ea, 0x26ea],
  [0x26f2, 0x26f3], [0x26f5, 0x26f5], [0x26fa, 0x26fa], [0x26fd, 0x26fd], [0x2705, 0x2705], [0x270a, 0x270b],
  [0x2728, 0x2728], [0x274c, 0x274c], [0x274e, 0x274e], [0x2753, 0x2755], [0x2757, 0x2757], [0x2795, 0x2797],
  [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55], [0x2e80, 0x303e],
  [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3],
  [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x16fe4],
  [0x17000, 0x18cff], [0x1b000, 0x1b2ff], [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf], [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a], [0x1f200, 0x1f202], [0x1f210, 0x1f23b], [0x1f240, 0x1f248], [0x1f250, 0x1f251],
  [0x1f260, 0x1f265], [0x1f300, 0x1f320], [0x1f32d, 0x1f335], [0x1f337, 0x1f37c], [0x1f37e, 0x1f393],
  [0x1f3a0, 0x1f3ca], [0x1f3cf, 0x1f3d3], [0x1f3e0, 0x1f3f0], [0x1f3f4, 0x1f3f4], [0x1f3f8, 0x1f43e],
  [0x1f440, 0x1f440], [0x1f442, 0x1f4fc], [0x1f4ff, 0x1f53d], [0x1f54b, 0x1f54e], [0x1f550, 0x1f567],
  [0x1f57a, 0x1f57a], [0x1f595, 0x1f596], [0x1f5a4, 0x1f5a4], [0x1f5fb, 0x1f64f], [0x1f680, 0x1f6c5],
  [0x1f6cc, 0x1f6cc], [0x1f6d0, 0x1f6d2], [0x1f6d5, 0x1f6d7], [0x1f6dc, 0x1f6df], [0x1f6eb, 0x1f6ec],
  [0x1f6f4, 0x1f6fc], [0x1f7e0, 0x1f7eb], [0x1f7f0, 0x1f7f0], [0x1f90c, 0x1f93a], [0x1f93c, 0x1f945],
  [0x1f947, 0x1f9ff], [0x1fa70, 0x1faff], [0x20000, 0x2fffd], [0x30000, 0x3fffd],
];

function isWide(code: number): boolean {
  let low = 0;
  let high = WIDE.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [first, last] = WIDE[middle] ?? [0, -1];
    if (code < first) high = middle - 1;
    else if (code > last) low = middle + 1;
    else return true;
  }
  return false;
}
