// <lesson-state>: the lesson's state checks, evaluated live against the lab. It re-checks every few seconds while
// the page is visible, after every cell (the notebook saves after each run) and when a node changes state. Each
// check that is off says what is off and offers its fix: the cell that makes it, or the catch-up that brings the
// lab to the lesson's start. Run all asks it whether the lab is at the start before running, and whether the
// lesson's state was reached after.
import type { LabStatus } from "../../../shared/api-types.ts";
import { NOTEBOOK_CHANGED } from "../cell/notebook.ts";
import { api, LAB_CHANGED, labToken, watchLab } from "../lab-client.ts";
import { recordStateChecks } from "../progress.ts";
import { CheckReports } from "../progress-report.ts";
import { describeCheck, type StateCheck } from "./checks.ts";
import { evaluateChecks, evaluateUntilMet, type JudgedCheck } from "./evaluate.ts";
import { builtBy, lessonState, subject, type LessonState } from "./lesson-states.ts";

const POLL_MS = 4000;
const SOON_MS = 300;

/** Fired on document after each evaluation: `detail` says the lesson's file and whether its end state holds. */
const LESSON_STATE_CHECKED = "lab-lesson-state-checked";

/** A lesson step on the page, as Run all drives it. */
interface Step extends HTMLElement {
  run(options?: { once?: boolean }): Promise<boolean>;
}

/** The lesson's steps in page order: step N is `#cell-N`. Scratch cells are the learner's own. */
export function lessonSteps(): Step[] {
  return [...document.querySelectorAll<Step>("sql-cell:not([data-scratch]), lab-action")];
}

/** "what it asks: what is off", one line per check that is off. */
function offLines(judged: JudgedCheck[]): string[] {
  return judged.filter((result) => !result.ok).map((result) => result.off);
}

export class LessonStateElement extends HTMLElement {
  private state!: LessonState;
  private built: StateCheck[] = [];
  private lab: LabStatus | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  /** Checks whose cell the learner ran from here and that were still off after: the cell alone won't fix them. */
  private triedCells = new Set<number>();

  connectedCallback() {
    this.state = lessonState(Number(this.dataset["lesson"]));
    this.built = builtBy(this.state);
    watchLab((status) => {
      this.lab = status;
      this.soon();
    });
    document.addEventListener(NOTEBOOK_CHANGED, () => this.soon());
    document.addEventListener(LAB_CHANGED, () => this.soon());
    document.addEventListener("visibilitychange", () => this.soon());
    for (const button of this.querySelectorAll<HTMLButtonElement>(".lesson-state__fix")) {
      button.addEventListener("click", () => void this.runCell(Number(button.closest("li")!.dataset["cell"])));
    }
    this.soon();
  }

  disconnectedCallback() {
    clearTimeout(this.timer);
  }

  /** Evaluates shortly (coalescing bursts of events), then every few seconds while the page is visible. */
  private soon(delay = SOON_MS) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  private canCheck(): boolean {
    return !!labToken() && !!this.lab && this.lab.nodes.some((node) => node.state === "up");
  }

  private async refresh() {
    if (document.hidden) return;
    if (!this.canCheck()) {
      this.say(labToken() ? "not checked: the lab is not answering" : "not checked: needs the running lab");
      return;
    }
    // The lab is being brought to a lesson's start: its nodes come and go, and checks would only flicker.
    if (document.querySelector("catch-up[data-busy]")) return this.soon(POLL_MS);
    await this.evaluate();
    this.soon(POLL_MS);
  }

  /** One evaluation at a time; a request meanwhile runs once more after it. */
  async evaluate(): Promise<void> {
    if (this.running) {
      // Wanted after the one in flight: the caller that started it runs one more, and this waits for that too.
      this.again = true;
      while (this.running) await this.running;
      return;
    }
    this.running = (async () => {
      try {
        const judged = await evaluateChecks([...this.state.start, ...this.built], api);
        this.render(judged.slice(0, this.state.start.length), judged.slice(this.state.start.length));
        this.say(`checked live · ${new Date().toLocaleTimeString()}`);
      } catch (error) {
        this.say(`not checked: ${(error as Error).message}`);
      } finally {
        this.running = null;
      }
    })();
    await this.running;
    if (this.again) {
      this.again = false;
      await this.evaluate();
    }
  }

  /** The start checks that are off now, in words; empty when the lab is at the lesson's start. */
  async startOff(): Promise<string[]> {
    return offLines(await evaluateChecks(this.state.start, api));
  }

  /** The end-state checks still off after up to `seconds` (replication takes a moment to show). */
  async endOff(seconds: number): Promise<string[]> {
    const judged = await evaluateUntilMet(this.state.end, api, seconds);
    // The checklist (and the learner's progress) shows this verdict before Run all reports it.
    await this.evaluate();
    return judged.filter((result) => !result.ok).map((result) => `${describeCheck(result.check)}: ${result.off}`);
  }

  private say(text: string) {
    this.querySelector(".lesson-state__live")!.textContent = text;
  }

  private render(start: JudgedCheck[], built: JudgedCheck[]) {
    this.renderStart(start, built);
    built.forEach((result, i) => {
      const item = this.querySelector<HTMLElement>(`[data-check="built-${i}"]`)!;
      const cell = result.check.cell;
      mark(item, result);
      const fix = item.querySelector<HTMLButtonElement>(".lesson-state__fix");
      if (fix) fix.hidden = result.ok;
      if (cell === undefined) return;
      if (result.ok) this.triedCells.delete(cell);
      else if (this.triedCells.has(cell)) {
        item.querySelector(".lesson-state__off")!.textContent =
          `${result.off}. Cell ${cell} ran and this is still off: start the lesson from a known state (above).`;
      }
    });
    // In a workshop the hub hears of each check whose verdict changed (the checklist re-checks every few seconds).
    const reports = this.checkReports();
    if (reports) for (const result of built) reports.report(subject(result.check), result.ok, result.off);
    // The end state: what the lesson builds, and every start check it doesn't change.
    const allMet =
      built.every((result) => result.ok) && start.every((result) => result.ok || this.rebuilt(result.check));
    this.dataset["met"] = String(allMet);
    // The learner's progress: a lesson is done once its steps ran and the lab is in the state it builds.
    if (this.dataset["file"]) recordStateChecks(this.dataset["file"], allMet);
    document.dispatchEvent(new CustomEvent(LESSON_STATE_CHECKED, { detail: { file: this.dataset["file"], allMet } }));
  }

  private reports: CheckReports | undefined;

  /** The lesson's reporter of state checks to the hub, made once the element knows its lesson. */
  private checkReports(): CheckReports | undefined {
    const file = this.dataset["file"];
    if (file && !this.reports) this.reports = new CheckReports(file);
    return this.reports;
  }

  /** Whether the lesson's cells change or drop what a start check asks (so it may differ once under way). */
  private rebuilt(check: StateCheck): boolean {
    const same = JSON.stringify(check);
    return !this.state.end.some(({ cell: _cell, ...kept }) => JSON.stringify(kept) === same);
  }

  private renderStart(start: JudgedCheck[], built: JudgedCheck[]) {
    const section = this.querySelector<HTMLElement>(".lesson-state__start")!;
    const verdict = section.querySelector(".lesson-state__start-verdict")!;
    const off = start.filter((result) => !result.ok);
    // Under way: some of the lesson's own changes are in, so what it started from has changed as it should.
    const underWay = built.some(
      (result, i) => result.ok && !start.some((s) => s.ok && subject(s.check) === subject(this.built[i]!)),
    );
    const blocking = underWay ? off.filter((result) => !this.rebuilt(result.check)) : off;
    start.forEach((result, i) => {
      const item = this.querySelector<HTMLElement>(`[data-check="start-${i}"]`)!;
      if (result.ok || blocking.includes(result)) return mark(item, result);
      item.dataset["state"] = "changed";
      item.querySelector(".lesson-state__mark")!.textContent = "→";
      item.querySelector(".lesson-state__off")!.textContent = "changed by this lesson's cells, as it should be";
    });
    const details = section.querySelector("details");
    if (blocking.length === 0) {
      section.dataset["verdict"] = "met";
      // Opened because something was off: close it again once nothing is.
      if (details && details.dataset["opened"] === "auto") {
        details.open = false;
        delete details.dataset["opened"];
      }
      verdict.textContent =
        off.length === 0
          ? `✓ the lab is there (${start.length} checks).`
          : built.every((result) => result.ok)
            ? "✓ what this lesson builds is already in place: its cells have run on this lab."
            : "✓ the lesson is under way: its cells have changed what it started from.";
    } else {
      section.dataset["verdict"] = "off";
      verdict.textContent =
        `✗ ${blocking.length} of ${start.length} checks are off: ` +
        `${blocking.map((result) => result.off).join("; ")}.`;
      if (details && !details.open) {
        details.open = true;
        details.dataset["opened"] = "auto";
      }
    }
  }

  /** The fix a check offers: scroll to the cell that makes it and run it, then check again. */
  private async runCell(cell: number) {
    const step = lessonSteps()[cell - 1];
    if (!step) return;
    step.scrollIntoView({ block: "center", behavior: "smooth" });
    await step.run({ once: true });
    await this.evaluate();
    const still = this.built.some(
      (check, i) =>
        check.cell === cell && this.querySelector(`[data-check="built-${i}"]`)?.getAttribute("data-state") === "off",
    );
    if (still) {
      this.triedCells.add(cell);
      await this.evaluate();
    }
  }
}

function mark(item: HTMLElement, result: JudgedCheck) {
  item.dataset["state"] = result.ok ? "met" : "off";
  item.querySelector(".lesson-state__mark")!.textContent = result.ok ? "✓" : "✗";
  item.querySelector(".lesson-state__off")!.textContent = result.ok ? "" : result.off;
}

if (!customElements.get("lesson-state")) customElements.define("lesson-state", LessonStateElement);
