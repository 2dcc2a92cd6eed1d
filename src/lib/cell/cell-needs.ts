// A lesson cell's version marker on the page (SqlCell.astro's data-needs): while the lab's nodes run an older
// PostgreSQL than the cell needs, a note under the cell's bar says so, and running the lesson's SQL shows that
// note as its answer instead of the server's syntax error or unknown-parameter message. An edited cell is the
// learner's own and runs as written.
import type { LabStatus } from "../../../shared/api-types.ts";
import { describeUnmet, parseNeeds, unmetNeeds, type Need } from "../../../shared/lessons/needs.ts";
import { el } from "./render.ts";

export class CellNeeds {
  private readonly needs: Need[];
  private readonly note: HTMLElement | null;
  private unmet = "";

  constructor(cell: HTMLElement) {
    this.needs = parseNeeds(cell.dataset["needs"], cell.dataset["node"] ?? "master");
    this.note = cell.querySelector(".sql-cell__needs");
  }

  /** What the lab lacks for this cell, in words ("needs PostgreSQL 18 on master, which runs 17 here"), or "". */
  get lacking(): string {
    return this.unmet;
  }

  follow(lab: LabStatus | null): void {
    if (this.needs.length === 0) return;
    this.unmet = lab ? describeUnmet(unmetNeeds(this.needs, lab)) : "";
    if (!this.note) return;
    this.note.hidden = this.unmet === "";
    this.note.querySelector(".sql-cell__needs-text")!.textContent =
      this.unmet && `This cell ${this.unmet}: Run all passes over it.`;
  }

  /** The answer of a run that did not happen: what the cell needs, and the ways on. */
  answer(): HTMLElement {
    return el(
      "div",
      "cell-needs",
      `Not run: this cell ${this.unmet}. To run it, start that node on a newer PostgreSQL (the versions control ` +
        "on the home page, or LAB_PG_VERSIONS), or edit the cell, which makes it yours, to see what the server says.",
    );
  }
}
