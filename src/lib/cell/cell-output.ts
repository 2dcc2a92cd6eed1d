// The answer area under a SQL cell: the answer itself (answer.ts), judged against the cell's expectation, and the
// notes that say where it came from: the lessons' recording, this browser's notebook, a wait for replication, or
// a lab the page can't reach.
import type { QueryResponse } from "../../../shared/api-types.ts";
import { judgeAll, type Expectation, type Verdict } from "../../../shared/lessons/expectations.ts";
import { renderAnswer } from "./answer.ts";
import type { SavedOutput } from "./notebook-store.ts";
import { duration, el, watchTitle, type WatchRoundTitle } from "./render.ts";
import type { Grading } from "./verdict.ts";

/** What the lessons' replay recorded for a cell (SqlCell.astro's data-recorded). */
export interface RecordedAnswer {
  version: string;
  responses: QueryResponse[];
}

export class CellOutput {
  /**
   * @param expectation what the lesson expects of the cell's answer (met or not, it is shown with the answer)
   * @param explicit whether the lesson states that expectation, rather than the default of no error
   */
  constructor(
    private readonly element: HTMLElement,
    private readonly expectation: Expectation,
    private readonly explicit: boolean,
  ) {}

  /** Shows an answer; a \watch round is titled and keeps one column per node. */
  show(responses: QueryResponse[], verdicts: Verdict[], sql: string, grading: Grading, round?: WatchRoundTitle) {
    const answer = renderAnswer(responses, verdicts, {
      sql,
      grading,
      expectation: this.expectation,
      explicit: this.explicit,
      columns: round !== undefined,
    });
    const title = round ? [watchTitle(round)] : [];
    this.element.replaceChildren(...title, ...answer);
    this.element.classList.remove("is-recorded", "is-restored");
  }

  /** The answer recorded when the lessons were last replayed, marked as such, until the cell runs here. */
  showRecorded({ version, responses }: RecordedAnswer, sql: string) {
    this.show(responses, judgeAll(this.expectation, responses), sql, "lesson");
    this.element.classList.add("is-recorded");
    this.element.prepend(
      el(
        "div",
        "cell-recorded",
        `Recorded on PostgreSQL ${version} when the lessons were last replayed. Run the cell to see your lab's answer.`,
      ),
    );
  }

  /** A cell's last live answer from before the page was reloaded, marked as such. */
  showSaved(saved: SavedOutput, expectation: Expectation, grading: Grading) {
    this.show(saved.responses, judgeAll(expectation, saved.responses), saved.sql, grading);
    this.element.classList.add("is-restored");
    const at = new Date(saved.at).toLocaleString();
    this.element.prepend(
      el(
        "div",
        "cell-restored",
        `Your last run, ${at}, kept by this browser. Run the cell to see your lab as it is now.`,
      ),
    );
  }

  /** Says the answer shown came after more than one run, while the cell waited for its expectation to be met. */
  noteWaited(attempts: number, waitedMs: number) {
    this.element.prepend(
      el(
        "div",
        "cell-waited",
        `Ran ${attempts} times over ${duration(waitedMs)}, waiting for replication to catch up.`,
      ),
    );
  }

  /** A lesson cell that was not run, and why (cell-needs.ts): the recording stays below, worth reading. */
  showNotRun(message: HTMLElement) {
    this.element.querySelector(".cell-needs")?.remove();
    if (this.element.classList.contains("is-recorded")) this.element.prepend(message);
    else this.element.replaceChildren(message);
  }

  showOffline() {
    const message = el(
      "div",
      "cell-offline",
      "The lab is not reachable from this page. Start it with npm start and open the address it prints; " +
        "then run this cell again.",
    );
    this.element.querySelector(".cell-offline")?.remove();
    // A recorded answer stays: it is still worth reading.
    if (this.element.classList.contains("is-recorded")) this.element.prepend(message);
    else this.element.replaceChildren(message);
  }

  clear() {
    this.element.replaceChildren();
    this.element.classList.remove("is-recorded", "is-restored");
  }
}
