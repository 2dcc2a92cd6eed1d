// Finds the steps of a lesson in its MDX, in order: `<SqlCell node="..." expect="...">` elements whose SQL is a
// fenced code block (or plain text) inside them, and `<LabAction action="stop" node="slave2" />` elements that
// stop or start a node. The site's remark plugin, the page, the bridge's lesson starts, `npm run record` and the
// lesson replay test all use this, so what the page shows is what the replay runs.
import type { Root } from "mdast";
import type { MdxJsxAttribute, MdxJsxFlowElement } from "mdast-util-mdx-jsx";
import { visit } from "unist-util-visit";
import { parseNeeds, type Need } from "./needs.ts";
import { SUBSCRIPTION_HEALTH_SQL } from "./subscription-health.ts";

/** Cell components, and the SQL of those whose SQL is fixed rather than written inside them. */
const CELL_COMPONENTS = new Map<string, string | undefined>([
  ["SqlCell", undefined],
  ["SubscriptionHealth", SUBSCRIPTION_HEALTH_SQL],
]);
const ACTION_COMPONENT = "LabAction";
export const LAB_ACTIONS = ["stop", "start", "restart", "second-postmaster", "lock-file-parent-pid"] as const;
export type LabActionName = (typeof LAB_ACTIONS)[number];

interface LessonCell {
  kind: "sql";
  node: string;
  expect: string | undefined;
  /** Seconds to keep re-running until the expectation is met. */
  within: number;
  code: string;
  /** The PostgreSQL majors its nodes must run (`needs="18"`): on older ones it is skipped, and says why. */
  needs: Need[];
}

interface LessonAction {
  kind: "action";
  action: LabActionName;
  node: string;
}

export type LessonStep = LessonCell | LessonAction;

function attribute(element: MdxJsxFlowElement, name: string): string | undefined {
  const found = element.attributes.find((a): a is MdxJsxAttribute => a.type === "mdxJsxAttribute" && a.name === name);
  return typeof found?.value === "string" ? found.value : undefined;
}

/** The SQL inside a cell element: a code block's text, or the source text between its tags. */
function cellCode(element: MdxJsxFlowElement, source: string): string {
  const [first] = element.children;
  if (element.children.length === 1 && first?.type === "code") return first.value;
  const last = element.children[element.children.length - 1];
  const start = first?.position?.start.offset;
  const end = last?.position?.end.offset;
  return start !== undefined && end !== undefined ? source.slice(start, end).trim() : "";
}

/**
 * Walks the tree in document order and calls `found` for each cell. With `rewrite`, the element's children are
 * replaced by a `code` attribute, so the component gets its SQL verbatim rather than as rendered markdown.
 */
export function collectSteps(tree: Root, source: string, rewrite?: { lesson: string | undefined }): LessonStep[] {
  const cells: LessonStep[] = [];
  visit(tree, "mdxJsxFlowElement", (element: MdxJsxFlowElement) => {
    if (element.name === ACTION_COMPONENT) {
      const action = attribute(element, "action") as LabActionName;
      if (!LAB_ACTIONS.includes(action))
        throw new Error(`<LabAction action="${action}">: use one of ${LAB_ACTIONS.join(", ")}`);
      cells.push({ kind: "action", action, node: attribute(element, "node") ?? "master" });
      if (rewrite) markStep(element, cells.length - 1, rewrite.lesson);
      return;
    }
    if (!element.name || !CELL_COMPONENTS.has(element.name)) return;
    const code = CELL_COMPONENTS.get(element.name) ?? cellCode(element, source);
    const node = attribute(element, "node") ?? "master";
    cells.push({
      kind: "sql",
      node,
      expect: attribute(element, "expect"),
      within: Number(attribute(element, "within") ?? 0),
      code,
      needs: parseNeeds(attribute(element, "needs"), node),
    });
    if (rewrite) {
      setAttribute(element, "code", code);
      // Where the replay's recording of this cell is kept (src/data/recorded.json): lesson file and step.
      if (rewrite.lesson) setAttribute(element, "recorded", recordKey(rewrite.lesson, cells.length - 1));
      markStep(element, cells.length - 1, undefined);
      element.children = [];
    }
  });
  return cells;
}

function setAttribute(element: MdxJsxFlowElement, name: string, value: string): void {
  element.attributes = element.attributes.filter((a) => !(a.type === "mdxJsxAttribute" && a.name === name));
  element.attributes.push({ type: "mdxJsxAttribute", name, value });
}

/**
 * Gives a step element its place in the lesson (`step`, from 0), which makes its deep link (#cell-N, N = step + 1),
 * and, for a lab action, its step key (`stepKey`, lesson#step), which a cell has as `recorded`: the learner's
 * progress is kept by it.
 */
function markStep(element: MdxJsxFlowElement, step: number, lesson: string | undefined): void {
  setAttribute(element, "step", String(step));
  if (lesson) setAttribute(element, "stepKey", recordKey(lesson, step));
}

/** The key of a cell's recorded output: its lesson's file name and its place among the lesson's steps. */
export function recordKey(lesson: string, step: number): string {
  return `${lesson}#${step}`;
}

/** The remark plugin the site's MDX runs. */
export function remarkLessonCells() {
  return (tree: Root, file: { value: unknown; path?: string }) => {
    const lesson =
      file.path && /[\\/]lessons[\\/][^\\/]+\.mdx$/.test(file.path) ? file.path.split(/[\\/]/).pop() : undefined;
    collectSteps(tree, String(file.value), { lesson });
  };
}
