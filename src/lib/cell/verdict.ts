// The line above a cell's answer that says whether it is what the lesson expects. Only the lesson's own SQL is
// judged: an edited cell says its answer was not checked, and a scratch cell says nothing.
import type { QueryResponse } from "../../../shared/api-types.ts";
import type { Expectation, Verdict } from "../../../shared/lessons/expectations.ts";
import { el } from "./render.ts";

/** How a cell's answer is judged: against the lesson, not at all (an edit), or not at all and silently (scratch). */
export type Grading = "lesson" | "edited" | "scratch";

export function verdictBanner(
  expectation: Expectation,
  explicit: boolean,
  verdicts: Verdict[],
  responses: QueryResponse[],
): HTMLElement {
  const failed = verdicts
    .map((verdict, i) => ({ verdict, node: responses[i]!.node }))
    .filter(({ verdict }) => !verdict.met);
  if (failed.length === 0) {
    const banner = el("div", "cell-verdict cell-verdict--met");
    banner.textContent =
      expectation.kind === "error"
        ? "✓ This error is expected: the lesson makes it on purpose. Read on for why."
        : explicit
          ? "✓ As expected."
          : "";
    if (!banner.textContent) banner.hidden = true;
    return banner;
  }
  const banner = el("div", "cell-verdict cell-verdict--missed");
  const reasons = failed.map(({ node, verdict }) =>
    responses.length > 1 ? `${node} ${verdict.reason}` : verdict.reason,
  );
  banner.textContent = `✗ Not what the lesson expects: ${reasons.join("; ")}.`;
  // A node that is down explains itself; otherwise the likely cause is the lab's state, not the SQL.
  const bridgeTrouble = responses.some((response) => response.error?.code.startsWith("LAB"));
  if (!bridgeTrouble) {
    banner.append(
      el(
        "div",
        "cell-verdict__hint",
        "Cells build on the ones before them: if some ran twice or out of order, the lab is not in the state " +
          "this cell expects.",
      ),
    );
  }
  return banner;
}

/** An edited cell's answer is the learner's experiment: shown as it is, with no verdict. */
export function editedNote(): HTMLElement {
  return el(
    "div",
    "cell-verdict cell-verdict--edited",
    "Your edit: its answer is not checked against the lesson. Restore brings back the lesson's SQL.",
  );
}
