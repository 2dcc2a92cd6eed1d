// Drawing the prompt and the line being edited in the terminal, over as many rows as they wrap to, with
// the cursor where the editor has it. Pure: it returns the escape sequences and where it left the cursor.
import { displayLines } from "../../../shared/psql-display.ts";

function textWidth(text: string): number {
  return displayLines(text).reduce((width, line) => width + line.width, 0);
}

export interface Drawn {
  output: string;
  /** Rows from the prompt's first row down to the cursor: where the next redraw starts from. */
  cursorRow: number;
}

/** Redraws from the prompt's first row, `cursorRow` rows above the cursor the last drawing left. */
export function drawLine(
  cursorRow: number,
  prompt: string,
  text: string,
  beforeCursor: string,
  columns: number,
): Drawn {
  let output = cursorRow > 0 ? `\x1b[${cursorRow}A` : "";
  output += `\r\x1b[J${prompt}${text}`;
  const end = textWidth(prompt) + textWidth(text);
  // A row filled to its last column leaves the terminal waiting to wrap: a newline settles the cursor
  // on the next row, where the arithmetic below expects it.
  if (end > 0 && end % columns === 0) output += "\r\n";
  const at = textWidth(prompt) + textWidth(beforeCursor);
  const row = Math.floor(at / columns);
  const up = Math.floor(end / columns) - row;
  if (up > 0) output += `\x1b[${up}A`;
  output += "\r";
  if (at % columns > 0) output += `\x1b[${at % columns}C`;
  return { output, cursorRow: row };
}

/** Clears the prompt and line from the screen, so that output can take their place. */
export function eraseLine(cursorRow: number): string {
  return `${cursorRow > 0 ? `\x1b[${cursorRow}A` : ""}\r\x1b[J`;
}
