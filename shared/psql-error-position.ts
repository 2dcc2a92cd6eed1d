// libpq's reportErrorPosition(): the `LINE n:` line of a statement that failed, and a caret under the
// character the server pointed at. Lines longer than 60 columns are cut around the caret with `...`. The console
// (server/psql/print.ts) and the page's cells (src/lib/cell/render.ts) both show it, so that a cell and psql point
// at the same column on lines with tabs, wide characters or that psql cuts.
import { displayLines } from "./psql-display.ts";

const DISPLAY_SIZE = 60;
const MIN_RIGHT_CUT = 10;

/** Screen columns of one character: libpq counts every control character as one. */
function width(char: string): number {
  return char < " " || char === "\x7f" ? 1 : (displayLines(char)[0]?.width ?? 1);
}

/** `position` is the server's: 1-based, in characters of `query`. Empty when it points past the query. */
export function errorPosition(query: string, position: number): string {
  const loc = position - 1;
  if (loc < 0) return "";
  // libpq shows tabs as single spaces.
  const chars = Array.from(query, (char) => (char === "\t" ? " " : char));
  const column: number[] = [];
  let screen = 0;
  let line = 1;
  let begin = 0;
  let end = -1;
  let index = 0;
  for (; index < chars.length; index++) {
    const char = chars[index]!;
    column[index] = screen;
    if (char === "\r" || char === "\n") {
      if (index < loc) {
        // \r\n is one line end, as are \r and \n alone.
        if (char === "\r" || index === 0 || chars[index - 1] !== "\r") line++;
        begin = index + 1;
      } else {
        end = index;
        break;
      }
    }
    screen += width(char);
  }
  if (end < 0) {
    end = index;
    column[end] = screen;
  }
  if (loc > index) return "";
  const at = (i: number) => column[i] ?? 0;
  let cutBegin = false;
  let cutEnd = false;
  if (at(end) - at(begin) > DISPLAY_SIZE) {
    if (at(begin) + DISPLAY_SIZE >= at(loc) + MIN_RIGHT_CUT) {
      while (at(end) - at(begin) > DISPLAY_SIZE) end--;
      cutEnd = true;
    } else {
      while (at(loc) + MIN_RIGHT_CUT < at(end)) {
        end--;
        cutEnd = true;
      }
      while (at(end) - at(begin) > DISPLAY_SIZE) {
        begin++;
        cutBegin = true;
      }
    }
  }
  const prefix = `LINE ${line}: ${cutBegin ? "..." : ""}`;
  const text = chars.slice(begin, end).join("");
  return `${prefix}${text}${cutEnd ? "..." : ""}\n${" ".repeat(prefix.length + at(loc) - at(begin))}^\n`;
}
