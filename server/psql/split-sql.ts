/**
 * Splits a cell's text the way psql does: statements end at a semicolon outside quotes, comments, dollar
 * quotes and parentheses; a backslash outside all of those starts a meta-command that runs to the end of the
 * line. Each piece keeps its place in the text, so an error's position can point into the cell.
 */

import type { Unclosed } from "../../shared/console-protocol.ts";

export interface SqlPiece {
  kind: "sql";
  text: string;
  /** Offsets into the cell's text: text === source.slice(start, end). */
  start: number;
  end: number;
}

export interface MetaPiece {
  kind: "meta";
  /** The command without its backslash, e.g. `dRp+`, `watch`. */
  command: string;
  args: string[];
  /** SQL typed before the meta-command and not yet sent (psql's query buffer), for \g and \watch. */
  buffer: SqlPiece | null;
  start: number;
  end: number;
}

export type Piece = SqlPiece | MetaPiece;

/** What the text leaves open at its end; the console's prompt shows it, so its type is in the shared protocol. */
export type { Unclosed };

/** Meta-commands that consume the query buffer instead of leaving it for the next statement. */
const BUFFER_COMMANDS = new Set(["g", "gx", "watch"]);

const isIdentStart = (c: string | undefined) => c !== undefined && /[A-Za-z_\u0080-\uffff]/.test(c);
const isIdentChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(c);

export function splitSql(source: string): Piece[] {
  return scanSql(source).pieces;
}

/** splitSql, and what the text leaves open at its end, for the psql console's prompt. */
export function scanSql(source: string): { pieces: Piece[]; unclosed: Unclosed } {
  const pieces: Piece[] = [];
  let start = 0;
  let depth = 0;
  let i = 0;
  const n = source.length;
  let unclosed = null as Unclosed;
  // A construct that runs past the end of the text ends the scan there, and is what the text leaves open.
  const past = (end: number, construct: Unclosed): number => {
    if (end !== -1) return end;
    unclosed = construct;
    return n;
  };

  const pending = (end: number): SqlPiece | null => {
    const text = source.slice(start, end);
    if (isBlank(text)) return null;
    const lead = text.length - text.trimStart().length;
    const trimmed = text.trim();
    return { kind: "sql", text: trimmed, start: start + lead, end: start + lead + trimmed.length };
  };

  while (i < n) {
    const c = source[i];
    const next = source[i + 1];
    if (c === "-" && next === "-") {
      i = lineEnd(source, i);
    } else if (c === "/" && next === "*") {
      i = past(blockCommentEnd(source, i), "*");
    } else if (c === "'") {
      const escapes = (source[i - 1] === "E" || source[i - 1] === "e") && !isIdentChar(source[i - 2]);
      i = past(quoteEnd(source, i, "'", escapes), "'");
    } else if (c === '"') {
      i = past(quoteEnd(source, i, '"', false), '"');
    } else if (c === "$" && !isIdentChar(source[i - 1])) {
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(source.slice(i));
      if (tag) {
        const close = source.indexOf(tag[0], i + tag[0].length);
        i = past(close === -1 ? -1 : close + tag[0].length, "$");
      } else {
        i++;
      }
    } else if (c === "(") {
      depth++;
      i++;
    } else if (c === ")") {
      depth = Math.max(0, depth - 1);
      i++;
    } else if (c === ";" && depth === 0) {
      const piece = pending(i);
      if (piece) pieces.push(piece);
      i++;
      start = i;
    } else if (c === "\\") {
      const end = lineEnd(source, i);
      const words = metaWords(source.slice(i + 1, end));
      const command = words[0] ?? "";
      const buffer = pending(i);
      if (BUFFER_COMMANDS.has(command)) {
        pieces.push({ kind: "meta", command, args: words.slice(1), buffer, start: i, end });
        start = end;
      } else {
        // Other meta-commands leave the query buffer alone: the SQL before them goes on after them.
        if (buffer) pieces.push(buffer);
        pieces.push({ kind: "meta", command, args: words.slice(1), buffer: null, start: i, end });
        start = end;
      }
      i = end;
    } else if (isIdentStart(c)) {
      // Skip identifiers whole, so `a$b` is not taken for a dollar quote.
      while (i < n && isIdentChar(source[i])) i++;
    } else {
      i++;
    }
  }
  const last = pending(n);
  if (last) pieces.push(last);
  return { pieces, unclosed: unclosed ?? (depth > 0 ? "(" : null) };
}

/** True when the text holds nothing but whitespace and comments. */
function isBlank(text: string): boolean {
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c ?? "")) i++;
    else if (c === "-" && text[i + 1] === "-") i = lineEnd(text, i);
    else if (c === "/" && text[i + 1] === "*") {
      const end = blockCommentEnd(text, i);
      i = end === -1 ? text.length : end;
    } else return false;
  }
  return true;
}

function lineEnd(source: string, from: number): number {
  const end = source.indexOf("\n", from);
  return end === -1 ? source.length : end;
}

/** Block comments nest in PostgreSQL. -1 when the comment is not closed. */
function blockCommentEnd(source: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < source.length) {
    if (source[i] === "/" && source[i + 1] === "*") {
      depth++;
      i += 2;
    } else if (source[i] === "*" && source[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return -1;
}

/**
 * The index after a quoted string or identifier, -1 when it is not closed; a doubled quote is part of it, as
 * is \x in E'' strings.
 */
function quoteEnd(source: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < source.length) {
    const c = source[i];
    if (backslashEscapes && c === "\\") {
      i += 2;
    } else if (c === quote) {
      if (source[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return -1;
}

/**
 * A meta-command's words, split on spaces as psql splits them, except inside quotes: `\d "Mixed Case"` has
 * one argument, quotes kept (the pattern rules need them), and `'...'` arguments lose their quotes.
 */
function metaWords(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let quote: '"' | "'" | null = null;
  let started = false;
  for (const c of text) {
    if (quote) {
      if (c === quote) {
        quote = null;
        if (c === '"') word += c;
      } else {
        word += c;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
      if (c === '"') word += c;
    } else if (/\s/.test(c)) {
      if (started) words.push(word);
      word = "";
      started = false;
    } else {
      word += c;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}
