// psql's main loop for one line: the line joins the query buffer, every statement it completes (at a
// semicolon) and every meta-command on it runs in order, and what is left waits for the next line.
import { scanSql, type MetaPiece, type SqlPiece, type Unclosed } from "../psql/split-sql.ts";

type Step = SqlPiece | MetaPiece;

/** A query buffer this large is a runaway paste, not a statement being typed: it is emptied. */
export const MAX_BUFFER = 100 * 1024;

export interface ReadLine {
  /** What the line completed, in order: statements, ending in their semicolon as psql sends them, and meta-commands. */
  steps: Step[];
  /** The query buffer afterwards: the statement still being typed, or "". */
  buffer: string;
  /** What the buffer leaves open, for the continuation prompt. */
  unclosed: Unclosed;
  /** The buffer grew past MAX_BUFFER and was emptied. */
  overflow: boolean;
}

export function readLine(buffer: string, line: string): ReadLine {
  const source = buffer === "" ? line : `${buffer}\n${line}`;
  const { pieces, unclosed } = scanSql(source);
  const steps: Step[] = [];
  // Where the text that has not run yet starts.
  let consumed = 0;
  let kept: string | undefined;
  for (const piece of pieces) {
    if (piece.kind === "meta") {
      // A meta-command that doesn't take the query buffer (\dt, \x) leaves it for the statement it belongs to.
      if (!piece.buffer) kept = source.slice(consumed, piece.start).trimEnd();
      steps.push(piece);
      consumed = piece.end;
      continue;
    }
    const semicolon = /^\s*;/.exec(source.slice(piece.end));
    if (!semicolon) continue;
    const end = piece.end + semicolon[0].length;
    steps.push({ ...piece, text: source.slice(piece.start, end), end });
    consumed = end;
  }
  const left = (kept ?? source.slice(consumed)).trimStart();
  // Whitespace and comments alone don't start a statement, as in psql; an unclosed comment does.
  const blank = unclosed === null && scanSql(left).pieces.length === 0;
  const overflow = left.length > MAX_BUFFER;
  return { steps, buffer: blank || overflow ? "" : left, unclosed: blank || overflow ? null : unclosed, overflow };
}
