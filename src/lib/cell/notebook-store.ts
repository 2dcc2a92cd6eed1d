// What a learner changed on a lesson page, kept in the browser (localStorage) so that a reload gives it back:
// the cells they edited, the scratch cells they added and the last answer each cell got. One entry per lesson,
// keyed by the page's path. Storage is a convenience: when the browser refuses it (private mode, quota), the
// page works as before and simply forgets on reload.
import type { NodeOrAll, QueryResponse } from "../../../shared/api-types.ts";

export type CellNode = NodeOrAll;

/** A cell's last live answer, as the cell showed it. */
export interface SavedOutput {
  sql: string;
  node: CellNode;
  /** When it ran (ISO 8601). */
  at: string;
  responses: QueryResponse[];
  /** Whether it was judged against the lesson's expectation (the lesson's own SQL) or shown plain (an edit). */
  graded: boolean;
}

/**
 * A lesson cell as the learner left it. `lesson` is the cell's SQL in the lesson, to drop edits of a cell the lesson
 * has since changed.
 */
interface SavedCell {
  lesson: string;
  /** The learner's SQL and node, when they edited the cell. */
  edit?: { sql: string; node: CellNode };
  output?: SavedOutput;
}

/** A scratch cell, placed after the lesson cell `after` (in page order when several follow the same one). */
interface SavedScratch {
  after: string;
  sql: string;
  node: CellNode;
  output?: SavedOutput;
}

export interface SavedNotebook {
  cells: Record<string, SavedCell>;
  scratch: SavedScratch[];
}

/** An answer larger than this (as JSON) is not kept: a few such cells would fill the browser's quota. */
const MAX_SAVED_OUTPUT_CHARS = 200_000;

const PREFIX = "replication-lab:notebook:";

export function emptyNotebook(): SavedNotebook {
  return { cells: {}, scratch: [] };
}

export function isEmpty(notebook: SavedNotebook): boolean {
  return Object.keys(notebook.cells).length === 0 && notebook.scratch.length === 0;
}

export function loadNotebook(page: string): SavedNotebook {
  try {
    const text = localStorage.getItem(PREFIX + page);
    if (!text) return emptyNotebook();
    const parsed = JSON.parse(text) as Partial<SavedNotebook>;
    return { cells: parsed.cells ?? {}, scratch: Array.isArray(parsed.scratch) ? parsed.scratch : [] };
  } catch {
    return emptyNotebook();
  }
}

/** An output worth keeping, or none when it is too large to keep. */
export function keepable(output: SavedOutput | undefined): SavedOutput | undefined {
  if (!output) return undefined;
  return JSON.stringify(output.responses).length > MAX_SAVED_OUTPUT_CHARS ? undefined : output;
}

function withoutOutputs(notebook: SavedNotebook): SavedNotebook {
  const cells = Object.fromEntries(
    Object.entries(notebook.cells)
      .filter(([, cell]) => cell.edit)
      .map(([key, cell]) => [key, { lesson: cell.lesson, edit: cell.edit! }]),
  );
  return { cells, scratch: notebook.scratch.map(({ after, sql, node }) => ({ after, sql, node })) };
}

/** Saves the page's notebook; when the quota is full, keeps the edits and scratch cells without their outputs. */
export function saveNotebook(page: string, notebook: SavedNotebook): void {
  if (isEmpty(notebook)) return clearNotebook(page);
  for (const attempt of [notebook, withoutOutputs(notebook)]) {
    try {
      localStorage.setItem(PREFIX + page, JSON.stringify(attempt));
      return;
    } catch {
      // Quota exceeded or storage disabled: try the smaller form, then give up quietly.
    }
  }
}

export function clearNotebook(page: string): void {
  try {
    localStorage.removeItem(PREFIX + page);
  } catch {
    // Storage disabled: there is nothing kept to clear.
  }
}
