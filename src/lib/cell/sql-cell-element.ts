// <sql-cell>: the behaviour of a runnable SQL cell. The markup comes from SqlCell.astro (or scratch-cell.ts for
// a learner's own cell) and reads well without this script; this adds editing with highlighting and keyboard
// shortcuts (cell-editor.ts), running on the chosen node(s), cancel, \watch on one node or all four
// (cell-watch.ts), the expectation verdict, and the learner's notebook: an edited cell is marked, not judged, and
// can be restored; "+ cell" adds a scratch cell below; edits, scratch cells and last answers are kept per lesson
// (notebook.ts) and come back on reload.
import type { LabStatus, NodeName } from "../../../shared/api-types.ts";
import { NODE_NAMES } from "../../../shared/api-types.ts";
import { judgeAll, parseExpectation, runUntilMet, type Expectation } from "../../../shared/lessons/expectations.ts";
import { api, labToken, watchLab } from "../lab-client.ts";
import { fillPlaceholders } from "../../../shared/lessons/placeholders.ts";
import { CellOutput, type RecordedAnswer } from "./cell-output.ts";
import { recordCellRun } from "./cell-report.ts";
import { CellEditor } from "./cell-editor.ts";
import { CellNeeds } from "./cell-needs.ts";
import { CellWatch } from "./cell-watch.ts";
import { savedNotebook, scheduleSave, type NotebookCell } from "./notebook.ts";
import type { CellNode, SavedOutput } from "./notebook-store.ts";
import { queryNodes } from "./node-queries.ts";
import { duration } from "./render.ts";
import { createScratchCell } from "./scratch-cell.ts";
import type { Grading } from "./verdict.ts";
import { watchRequested, type WatchRequest } from "./watch-rounds.ts";

export interface RunOptions {
  /** Run a `\watch` once instead of repeating it (Run all does this). */
  once?: boolean;
}

const UNJUDGED: Expectation = { kind: "ok" };

export class SqlCellElement extends HTMLElement implements NotebookCell {
  private editor!: CellEditor;
  private picker!: HTMLSelectElement;
  private output!: CellOutput;
  private needs!: CellNeeds;
  private state!: HTMLElement;
  private runButton!: HTMLButtonElement;
  private cancelButton!: HTMLButtonElement;
  private editedMark: HTMLElement | null = null;
  private restoreButton: HTMLButtonElement | null = null;
  private expectation!: Expectation;
  /** The cell's SQL as the lesson writes it, placeholders and all. */
  private template = "";
  /**
   * The lesson's SQL as last shown: the template with its placeholders filled for this lab, or, until the page
   * reaches one, with the connection strings of the recording (SqlCell.astro fills those in).
   */
  private lessonText = "";
  /** Says the cell shows the recording's connection strings; gone once the lab's own are filled in. */
  private recordedNote: HTMLElement | null = null;
  private edited = false;
  private lastRun: SavedOutput | undefined;
  private lab: LabStatus | null = null;
  private running: { ids: string[]; controller: AbortController } | null = null;
  private readonly watching = new CellWatch((seconds) => this.showWatching(seconds));
  private ready = false;

  get key(): string {
    if (this.dataset["key"]) return this.dataset["key"];
    return `cell-${[...document.querySelectorAll("sql-cell:not([data-scratch])")].indexOf(this)}`;
  }

  get isScratch(): boolean {
    return this.hasAttribute("data-scratch");
  }

  /** Whether the learner changed the lesson's SQL or node: such a cell is theirs, not the lesson's. */
  get isEdited(): boolean {
    return this.edited;
  }

  /** The lesson's SQL needs a newer PostgreSQL than the lab runs: running it shows that instead (Run all's count). */
  get passedOver(): boolean {
    return this.grading === "lesson" && this.needs.lacking !== "";
  }

  private get lessonNode(): CellNode {
    return (this.dataset["node"] ?? "master") as CellNode;
  }

  private get grading(): Grading {
    return this.isScratch ? "scratch" : this.edited ? "edited" : "lesson";
  }

  connectedCallback() {
    // A cell moved in the page is connected again; its behaviour is set up once.
    if (this.ready) return;
    this.ready = true;
    this.editor = new CellEditor(this.querySelector("textarea")!, this.querySelector(".sql-cell__highlight")!);
    this.picker = this.querySelector("select")!;
    this.state = this.querySelector(".sql-cell__state")!;
    this.runButton = this.querySelector(".sql-cell__run")!;
    this.cancelButton = this.querySelector(".sql-cell__cancel")!;
    this.editedMark = this.querySelector(".sql-cell__edited");
    this.restoreButton = this.querySelector(".sql-cell__restore");
    this.expectation = this.isScratch ? UNJUDGED : parseExpectation(this.dataset["expect"]);
    const explicit = Boolean(this.dataset["expect"] && this.dataset["expect"] !== "ok");
    this.output = new CellOutput(this.querySelector(".sql-cell__output")!, this.expectation, explicit);
    this.recordedNote = this.querySelector(".sql-cell__recorded-conninfo");
    this.needs = new CellNeeds(this);
    this.template = this.isScratch ? "" : (this.dataset["template"] ?? this.editor.text);
    this.lessonText = this.isScratch ? "" : this.editor.text;
    this.classList.add("is-live");
    this.listen();
    const restored = this.isScratch ? false : this.restoreSaved();
    watchLab((status) => this.onLab(status));
    this.editor.refresh();
    if (!restored) this.showRecorded();
    if (!this.isScratch) this.restoreScratchBelow();
  }

  private listen() {
    this.runButton.addEventListener("click", () => void this.run());
    this.cancelButton.addEventListener("click", () => void this.cancel());
    this.editor.input.addEventListener("input", () => {
      this.stopWatching();
      this.editor.refresh();
      this.updateEdited();
      scheduleSave();
    });
    this.editor.bindRunKeys({ run: () => void this.run(), runAndMoveOn: () => this.runAndMoveOn() });
    this.picker.addEventListener("change", () => {
      this.stopWatching();
      this.labelEditor();
      this.updateEdited();
      scheduleSave();
    });
    this.restoreButton?.addEventListener("click", () => this.restore());
    this.querySelector(".sql-cell__add")?.addEventListener("click", () => this.addScratchBelow());
    this.querySelector(".sql-cell__delete")?.addEventListener("click", () => this.deleteScratch());
  }

  private labelEditor() {
    this.editor.label(this.picker.value, this.isScratch);
  }

  /** The placeholders follow the lab (its ports), unless the learner has made the SQL their own. */
  private onLab(status: LabStatus | null) {
    this.lab = status;
    if (!this.isScratch) this.needs.follow(status);
    if (!status || this.isScratch) return;
    this.recordedNote?.remove();
    this.recordedNote = null;
    this.classList.remove("has-recorded-conninfo");
    this.editor.fillPlaceholders((placeholder) => fillPlaceholders(placeholder, status));
    const filled = fillPlaceholders(this.template, status);
    if (this.editor.text === this.lessonText && this.editor.text !== filled) this.editor.setText(filled);
    this.lessonText = filled;
    this.updateEdited();
  }

  private updateEdited() {
    if (this.isScratch) return;
    this.edited = this.editor.text !== this.lessonText || this.picker.value !== this.lessonNode;
    this.classList.toggle("is-edited", this.edited);
    if (this.editedMark) this.editedMark.hidden = !this.edited;
    if (this.restoreButton) this.restoreButton.hidden = !this.edited;
    // An edit is the learner's own SQL: the note speaks of the lesson's recorded connection strings only.
    if (this.recordedNote) this.recordedNote.hidden = this.edited;
  }

  /** The answer recorded when the lessons were last replayed, marked as such, until the cell runs here. */
  private showRecorded() {
    const recorded = this.dataset["recorded"];
    if (recorded) this.output.showRecorded(JSON.parse(recorded) as RecordedAnswer, this.lessonText);
  }

  /** What this browser kept of the cell: the learner's edit and its last answer. Says whether an answer came back. */
  private restoreSaved(): boolean {
    const saved = savedNotebook().cells[this.key];
    // A cell the lesson has changed since is the lesson's again.
    if (!saved || saved.lesson !== this.template) return false;
    if (saved.edit) {
      this.editor.input.value = saved.edit.sql;
      this.picker.value = saved.edit.node;
      this.labelEditor();
    }
    this.updateEdited();
    if (saved.output) this.showSaved(saved.output);
    return saved.output !== undefined;
  }

  private restoreScratchBelow() {
    const key = this.key;
    let previous: Element = this;
    for (const saved of savedNotebook().scratch.filter((scratch) => scratch.after === key)) {
      const scratch = createScratchCell(saved.sql, saved.node) as SqlCellElement;
      previous.after(scratch);
      if (saved.output) scratch.showSaved(saved.output);
      previous = scratch;
    }
  }

  /** A cell's last live answer from before the page was reloaded, marked as such. */
  showSaved(saved: SavedOutput) {
    const expectation = saved.graded ? this.expectation : UNJUDGED;
    const grading = saved.graded ? "lesson" : this.isScratch ? "scratch" : "edited";
    this.output.showSaved(saved, expectation, grading);
    this.lastRun = saved;
  }

  notebookState() {
    const node = this.picker.value as CellNode;
    return { lesson: this.template, sql: this.editor.text, node, edited: this.edited, output: this.lastRun };
  }

  /** Restore: the lesson's SQL (placeholders filled for this lab) and node again, and its recorded answer. */
  restore() {
    this.resetToLesson();
    scheduleSave();
    this.editor.input.focus();
  }

  resetToLesson() {
    this.stopWatching();
    this.editor.input.value = this.lessonText;
    this.picker.value = this.lessonNode;
    this.labelEditor();
    this.editor.refresh();
    this.updateEdited();
    this.lastRun = undefined;
    this.output.clear();
    this.showRecorded();
  }

  /** "+ cell": an empty scratch cell right below this one, on the same node, ready to type in. */
  addScratchBelow() {
    const scratch = createScratchCell("", this.node) as SqlCellElement;
    this.after(scratch);
    scratch.focusEditor();
    scheduleSave();
  }

  private deleteScratch() {
    const cells = [...document.querySelectorAll<SqlCellElement>("sql-cell")];
    const above = cells[cells.indexOf(this) - 1];
    void this.cancel();
    this.remove();
    above?.focusEditor();
    scheduleSave();
  }

  disconnectedCallback() {
    this.stopWatching();
  }

  get node(): CellNode {
    return this.picker.value as CellNode;
  }

  focusEditor() {
    this.editor.focus();
    this.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  /** Shift+Enter: run, and go on to the next cell's editor while this one runs. */
  private runAndMoveOn() {
    void this.run();
    const cells = [...document.querySelectorAll<SqlCellElement>("sql-cell")];
    cells[cells.indexOf(this) + 1]?.focusEditor();
  }

  /** Runs the cell; resolves to whether the result met the cell's expectation. */
  async run(options: RunOptions = {}): Promise<boolean> {
    if (this.running) return false;
    this.stopWatching();
    const sql = this.editor.text;
    if (!labToken() || !this.lab) {
      this.output.showOffline();
      return false;
    }
    // The lesson's SQL on a server too old for it: say what it needs; Run all goes on past it.
    if (this.passedOver) {
      this.output.showNotRun(this.needs.answer());
      return true;
    }
    const nodes = this.node === "all" ? [...NODE_NAMES] : [this.node];
    const ids = nodes.map(() => crypto.randomUUID());
    const controller = new AbortController();
    this.running = { ids, controller };
    this.setRunning(true);
    const started = performance.now();
    const startedAt = new Date();
    const ticker = setInterval(
      () => (this.state.textContent = `running… ${duration(performance.now() - started)}`),
      100,
    );
    try {
      const attempt = () => queryNodes(nodes, sql, { ids, signal: controller.signal });
      // Only the lesson's own SQL is held to the lesson's expectation (and waited for, with `within`).
      const grading = this.grading;
      const graded = grading === "lesson";
      const within = graded ? Number(this.dataset["within"] ?? 0) : 0;
      const { responses, verdicts, attempts, waitedMs } = await runUntilMet(
        attempt,
        graded ? this.expectation : UNJUDGED,
        within,
      );
      if (graded) recordCellRun(this.dataset["key"], sql, responses, verdicts);
      const watch = options.once ? undefined : watchRequested(responses);
      // A watch shows this run as its first round, titled and laid out as the rounds after it will be.
      const title = watch && { seconds: watch.seconds, at: startedAt, where: this.where(nodes), round: 1 };
      this.output.show(responses, verdicts, sql, grading, title);
      this.lastRun = { sql, node: this.node, at: startedAt.toISOString(), responses, graded };
      scheduleSave();
      if (attempts > 1) this.output.noteWaited(attempts, waitedMs);
      if (watch) this.startWatching(nodes, watch, startedAt.getTime());
      return verdicts.every((verdict) => verdict.met);
    } finally {
      clearInterval(ticker);
      this.running = null;
      this.setRunning(false);
    }
  }

  async cancel() {
    if (!this.running) return this.stopWatching();
    this.state.textContent = "cancelling…";
    await Promise.all(this.running.ids.map((id) => api("/api/cancel", { id }).catch(() => {})));
  }

  private setRunning(running: boolean) {
    this.classList.toggle("is-running", running);
    this.runButton.disabled = running;
    this.cancelButton.hidden = !running && !this.watching.active;
    if (!running && !this.watching.active) this.state.textContent = "";
  }

  private where(nodes: readonly NodeName[]): string {
    return nodes.length === 1 ? nodes[0]! : "all nodes";
  }

  /**
   * psql's \watch on this cell: each round is shown as the cell's answer, judged as the run that asked for it
   * was, and is the cell's last answer, so the notebook keeps the last one.
   */
  private startWatching(nodes: NodeName[], watch: WatchRequest, startedAt: number) {
    const grading = this.grading;
    const expectation = grading === "lesson" ? this.expectation : UNJUDGED;
    const node = this.node;
    this.watching.start(nodes, watch, startedAt, this.where(nodes), (responses, title) => {
      this.output.show(responses, judgeAll(expectation, responses), watch.sql, grading, title);
      this.lastRun = { sql: watch.sql, node, at: title.at.toISOString(), responses, graded: grading === "lesson" };
      scheduleSave();
    });
  }

  /** No round after this one, and the round in flight is cancelled on the server. */
  private stopWatching() {
    this.watching.stop();
  }

  /** The cell's controls while it watches (`seconds`) and once it stopped (null): Cancel is Stop meanwhile. */
  private showWatching(seconds: number | null) {
    this.classList.toggle("is-watching", seconds !== null);
    this.cancelButton.hidden = seconds === null;
    this.cancelButton.textContent = seconds === null ? "Cancel" : "Stop";
    this.state.textContent = seconds === null ? "stopped watching" : `watching every ${seconds} s`;
  }
}

if (!customElements.get("sql-cell")) customElements.define("sql-cell", SqlCellElement);
