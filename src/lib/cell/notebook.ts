// The page's notebook: the learner's edits, scratch cells and last outputs, gathered from the cells on the page
// and kept per lesson (notebook-store.ts). Cells report changes with scheduleSave(); the page is read in order,
// so a scratch cell is saved after the lesson cell above it and comes back there.
import {
  clearNotebook,
  emptyNotebook,
  isEmpty,
  keepable,
  loadNotebook,
  saveNotebook,
  type CellNode,
  type SavedNotebook,
  type SavedOutput,
} from "./notebook-store.ts";

/** What a cell on the page tells the notebook about itself. */
export interface NotebookCell extends HTMLElement {
  /** The lesson cell's recording key (lesson.mdx#step); scratch cells have none of their own. */
  readonly key: string;
  readonly isScratch: boolean;
  notebookState(): { lesson: string; sql: string; node: CellNode; edited: boolean; output: SavedOutput | undefined };
  /** Puts the cell back as the lesson has it: its SQL, its node, its recorded answer. */
  resetToLesson(): void;
}

/** Fired on document after every save, with `detail.changed`: whether the page holds anything to clear. */
export const NOTEBOOK_CHANGED = "lab-notebook-changed";

const SAVE_DELAY_MS = 250;
let loaded: SavedNotebook | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;

function page(): string {
  return location.pathname;
}

/** What was kept for this page when it loaded; cells read their part of it as they connect. */
export function savedNotebook(): SavedNotebook {
  loaded ??= loadNotebook(page());
  return loaded;
}

export function hasSavedChanges(): boolean {
  return !isEmpty(loadNotebook(page()));
}

export function scheduleSave(): void {
  clearTimeout(timer);
  timer = setTimeout(saveNow, SAVE_DELAY_MS);
}

function cellsOnPage(): NotebookCell[] {
  return [...document.querySelectorAll<NotebookCell>("sql-cell")];
}

function collect(): SavedNotebook {
  const notebook = emptyNotebook();
  let anchor = "";
  for (const cell of cellsOnPage()) {
    const { lesson, sql, node, edited, output } = cell.notebookState();
    const kept = keepable(output);
    if (cell.isScratch) {
      if (anchor)
        notebook.scratch.push(kept ? { after: anchor, sql, node, output: kept } : { after: anchor, sql, node });
      continue;
    }
    anchor = cell.key;
    if (!edited && !kept) continue;
    notebook.cells[cell.key] = {
      lesson,
      ...(edited ? { edit: { sql, node } } : {}),
      ...(kept ? { output: kept } : {}),
    };
  }
  return notebook;
}

function saveNow(): void {
  clearTimeout(timer);
  timer = undefined;
  const notebook = collect();
  saveNotebook(page(), notebook);
  document.dispatchEvent(new CustomEvent(NOTEBOOK_CHANGED, { detail: { changed: !isEmpty(notebook) } }));
}

/** "Clear my changes": every cell back to the lesson, scratch cells gone, nothing kept for this page. */
export function clearChanges(): void {
  clearTimeout(timer);
  timer = undefined;
  for (const cell of cellsOnPage()) {
    if (cell.isScratch) cell.remove();
    else cell.resetToLesson();
  }
  clearNotebook(page());
  loaded = emptyNotebook();
  document.dispatchEvent(new CustomEvent(NOTEBOOK_CHANGED, { detail: { changed: false } }));
}

// A reload or a link followed within the save delay must not lose the last keystrokes.
addEventListener("pagehide", () => {
  if (timer !== undefined) saveNow();
});
