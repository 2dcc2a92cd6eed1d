// A cell's SQL editor: a textarea over a highlighted layer that follows its text (plain at once, shiki's colours
// when they are ready), as tall as the text, with the keys that run the cell.
import { highlightSql, plainHtml } from "./highlight.ts";

/** What the editor's keys do: Shift+Enter runs and moves to the next cell, Ctrl/⌘+Enter runs and stays. */
export interface RunKeys {
  run(): void;
  runAndMoveOn(): void;
}

export class CellEditor {
  /** Only the newest highlighting may land: an older one finishing late would show stale text. */
  private highlightToken = 0;

  constructor(
    readonly input: HTMLTextAreaElement,
    private readonly layer: HTMLElement,
  ) {}

  get text(): string {
    return this.input.value;
  }

  /** Puts text in the editor and draws it. */
  setText(text: string): void {
    this.input.value = text;
    this.refresh();
  }

  /** Keeps the highlighted layer under the textarea in step with its text, and the box as tall as the text. */
  refresh(): void {
    const code = this.input.value;
    this.layer.innerHTML = plainHtml(code);
    this.input.rows = Math.max(1, code.split("\n").length);
    const token = ++this.highlightToken;
    void highlightSql(code)
      .then((html) => {
        if (token === this.highlightToken) this.layer.innerHTML = html;
      })
      .catch(() => {});
  }

  /** Names the editor for screen readers by what it holds and where it runs. */
  label(node: string, scratch: boolean): void {
    this.input.setAttribute("aria-label", `${scratch ? "Scratch SQL" : "SQL"} to run on ${node}`);
  }

  /** The caret at the start of the SQL, the editor brought into view. */
  focus(): void {
    this.input.focus();
    this.input.setSelectionRange(0, 0);
  }

  /** Runs the cell on Shift+Enter or Ctrl/⌘+Enter; a plain Enter stays a new line. */
  bindRunKeys(keys: RunKeys): void {
    this.input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      if (event.shiftKey) {
        event.preventDefault();
        keys.runAndMoveOn();
      } else if (event.ctrlKey || event.metaKey) {
        event.preventDefault();
        keys.run();
      }
    });
  }
}
