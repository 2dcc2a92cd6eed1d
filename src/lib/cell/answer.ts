// A cell's whole answer, as shown under it: the verdict line, then one node's output, or for a fan-out cell
// the nodes side by side (once, when every node answered alike), each node that differs from master marked.
import type { QueryResponse } from "../api-types.ts";
import type { Expectation, Verdict } from "../expectations.ts";
import { el, fingerprint, renderResponse } from "./render.ts";
import { editedNote, verdictBanner, type Grading } from "./verdict.ts";

export interface AnswerContext {
  sql: string;
  grading: Grading;
  expectation: Expectation;
  /** Whether the lesson wrote its expectation out (a plain `ok` met says nothing). */
  explicit: boolean;
}

function banner(context: AnswerContext, verdicts: Verdict[], responses: QueryResponse[]): HTMLElement[] {
  if (context.grading === "edited") return [editedNote()];
  if (context.grading === "scratch") return [];
  return [verdictBanner(context.expectation, context.explicit, verdicts, responses)];
}

export function renderAnswer(responses: QueryResponse[], verdicts: Verdict[], context: AnswerContext): HTMLElement[] {
  const { sql } = context;
  // An error is drawn as expected (amber, not red) only when the lesson's own SQL made the error it wants.
  const expected = (i: number) => context.grading === "lesson" && context.expectation.kind === "error" && verdicts[i]!.met;
  const head = banner(context, verdicts, responses);
  if (responses.length === 1) return [...head, renderResponse(responses[0]!, sql, expected(0))];
  const reference = fingerprint(responses[0]!);
  if (responses.every((response) => fingerprint(response) === reference)) {
    const same = el("div", "cell-fanout-same");
    same.append(el("div", "cell-fanout__head", `Same answer on ${responses.map((r) => r.node).join(", ")}`));
    same.append(renderResponse(responses[0]!, sql, expected(0)));
    return [...head, same];
  }
  const grid = el("div", "cell-fanout");
  responses.forEach((response, i) => {
    const column = el("div", "cell-fanout__node");
    const differs = fingerprint(response) !== reference;
    column.classList.toggle("differs", differs);
    const title = el("div", "cell-fanout__head", response.node);
    if (differs) title.append(el("span", "cell-fanout__badge", "differs from master"));
    column.append(title, renderResponse(response, sql, expected(i)));
    grid.append(column);
  });
  return [...head, grid];
}
