// A cell's SQL editor: a textarea over a highlighted layer that follows its text (plain at once, shiki's colours
// when they are ready), as tall as the text, with the keys that run the cell. The page arrives highlighted at build
// time; shiki loads only for text that highlighting can't come from: the learner's own. The lesson's SQL with its
// placeholders filled for this lab is the build's highlighting with those placeholders' text changed.
import { highlightSql, plainHtml } from "./highlight.ts";

/** What the editor's keys do: Shift+Enter runs and moves to the next cell, Ctrl/⌘+Enter runs and stays. */
export interface RunKeys {
  run(): void;
  runAndMoveOn(): void;
}

export class CellEditor {
  /** Only the newest highlighting may land: an older one finishing late would show stale text. */
  private highlightToken = 0;
  /** The text the layer shows in shiki's colours, or null while it shows plain text (or none yet). */
  private coloured: string | null;
  /** The build's highlighting of the lesson's SQL, placeholders as elements of their own (lesson-highlight.ts). */
  private readonly lessonHtml: string;
  /** What a placeholder shows: the lab's connection string once the page knows the lab. */
  private fill: (placeholder: string) => string = (placeholder) => placeholder;

  constructor(
    readonly input: HTMLTextAreaElement,
    private readonly layer: HTMLElement,
  ) {
    this.lessonHtml = layer.innerHTML;
    this.coloured = layer.textContent === input.value ? input.value : null;
  }

  get text(): string {
    return this.input.value;
  }

  /** Puts text in the editor and draws it. */
  setText(text: string): void {
    this.input.value = text;
    this.refresh();
  }

  /** How placeholders read from now on (the lab's connection strings); redraws nothing by itself. */
  fillPlaceholders(fill: (placeholder: string) => string): void {
    this.fill = fill;
  }

  /** Keeps the highlighted layer under the textarea in step with its text, and the box as tall as the text. */
  refresh(): void {
    const code = this.input.value;
    this.input.rows = Math.max(1, code.split("\n").length);
    if (code === this.coloured) return;
    const token = ++this.highlightToken;
    if (this.showLesson(code)) return;
    this.coloured = null;
    this.layer.innerHTML = plainHtml(code);
    void highlightSql(code)
      .then((html) => {
        if (token !== this.highlightToken) return;
        this.layer.innerHTML = html;
        this.coloured = code;
      })
      .catch(() => {});
  }

  /** Shows the build's highlighting with its placeholders filled, when that is the text: false when it isn't. */
  private showLesson(code: string): boolean {
    const lesson = document.createElement("div");
    lesson.innerHTML = this.lessonHtml;
    for (const placeholder of lesson.querySelectorAll<HTMLElement>("[data-placeholder]")) {
      placeholder.textContent = this.fill(placeholder.dataset["placeholder"]!);
    }
    if (lesson.textContent !== code) return false;
    this.layer.replaceChildren(...lesson.childNodes);
    this.coloured = code;
    return true;
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
