// A cell's whole answer, as shown under it: the verdict line, then one node's output, or for a fan-out cell
// the nodes side by side (once, when every node answered alike), each node that differs from master marked.
// A watch keeps the four columns in every round, alike or not, so the layout holds still while values move.
import type { QueryResponse } from "../../../shared/api-types.ts";
import type { Expectation, Verdict } from "../../../shared/lessons/expectations.ts";
import { el, fingerprint, renderResponse } from "./render.ts";
import { editedNote, verdictBanner, type Grading } from "./verdict.ts";

export interface AnswerContext {
  sql: string;
  grading: Grading;
  expectation: Expectation;
  /** Whether the lesson wrote its expectation out (a plain `ok` met says nothing). */
  explicit: boolean;
  /**
   * Always one column per node, with a line saying which agree (a \watch round), instead of folding alike
   * answers into one.
   */
  columns?: boolean;
}

function banner(context: AnswerContext, verdicts: Verdict[], responses: QueryResponse[]): HTMLElement[] {
  if (context.grading === "edited") return [editedNote()];
  if (context.grading === "scratch") return [];
  return [verdictBanner(context.expectation, context.explicit, verdicts, responses)];
}

/** Which nodes answered as master did, said in one line: "Same answer on ..." or "slave2 differs from master". */
function agreement(responses: QueryResponse[], differs: boolean[]): HTMLElement {
  const others = responses.filter((_, i) => differs[i]).map((response) => response.node);
  const line = el("div", "cell-fanout__agreement");
  if (others.length === 0) {
    line.textContent = `Same answer on ${responses.map((response) => response.node).join(", ")}`;
  } else {
    line.classList.add("differs");
    line.textContent = `${others.join(", ")} ${others.length === 1 ? "differs" : "differ"} from ${responses[0]!.node}`;
  }
  return line;
}

function columns(
  responses: QueryResponse[],
  differs: boolean[],
  sql: string,
  expected: (i: number) => boolean,
  live = false,
): HTMLElement {
  const grid = el("div", live ? "cell-fanout cell-fanout--live" : "cell-fanout");
  responses.forEach((response, i) => {
    const column = el("div", "cell-fanout__node");
    column.classList.toggle("differs", differs[i]!);
    const title = el("div", "cell-fanout__head", response.node);
    if (differs[i]) title.append(el("span", "cell-fanout__badge", `differs from ${responses[0]!.node}`));
    column.append(title, renderResponse(response, sql, expected(i)));
    grid.append(column);
  });
  return grid;
}

export function renderAnswer(responses: QueryResponse[], verdicts: Verdict[], context: AnswerContext): HTMLElement[] {
  const { sql } = context;
  // An error is drawn as expected (amber, not red) only when the lesson's own SQL made the error it wants.
  const expected = (i: number) =>
    context.grading === "lesson" && context.expectation.kind === "error" && verdicts[i]!.met;
  const head = banner(context, verdicts, responses);
  if (responses.length === 1) return [...head, renderResponse(responses[0]!, sql, expected(0))];
  const reference = fingerprint(responses[0]!);
  const differs = responses.map((response) => fingerprint(response) !== reference);
  if (context.columns)
    return [...head, agreement(responses, differs), columns(responses, differs, sql, expected, true)];
  if (!differs.some(Boolean)) {
    const same = el("div", "cell-fanout-same");
    same.append(el("div", "cell-fanout__head", `Same answer on ${responses.map((r) => r.node).join(", ")}`));
    same.append(renderResponse(responses[0]!, sql, expected(0)));
    return [...head, same];
  }
  return [...head, columns(responses, differs, sql, expected)];
}
