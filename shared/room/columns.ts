// The instructor's grid's columns (issue 14): for each lesson in order, each cell whose expectation the lesson
// declares (`expect=` on the cell) and each state check the lesson makes true. They come from the lessons
// themselves, so a new cell or check is a new column without anyone listing it. The hub builds them from the
// lessons it reads (server/lesson-start/lessons.ts readLessons); this module only needs the lessons' steps.
import { parseExpectation, type Expectation } from "../lessons/expectations.ts";
import type { Lesson } from "../lessons/lesson-files.ts";
import { builtBy, lessonState, subject } from "../lessons/lesson-states.ts";
import type { StateCheck } from "../lessons/state-checks.ts";

interface ColumnBase {
  /** Unique among the columns: "05-subscriptions#cell-3" or "05-subscriptions#check:subscription:usersub". */
  id: string;
  /** The lesson's file name without its extension, as progress events name it: "05-subscriptions". */
  lesson: string;
  /** Short, for the grid's header: "5 · cell 3", "5 · slave2 subscribed". */
  label: string;
}

/** A cell judged against its expectation; `step` is 1-based, as #cell-N and the progress events count. */
export interface StepColumn extends ColumnBase {
  kind: "step";
  step: number;
  expectation: Expectation;
}

/** A state check the lesson makes true, named by its subject as the progress events name it. */
export interface CheckColumn extends ColumnBase {
  kind: "check";
  check: string;
  /** The cell (1-based) that makes it true, when one does. */
  cell?: number;
}

export type RoomColumn = StepColumn | CheckColumn;

/** "05-subscriptions.mdx" is "05-subscriptions". */
export function lessonName(lesson: Lesson): string {
  return lesson.file.replace(/\.mdx$/, "");
}

function lessonNumberOf(lesson: Lesson): number {
  return Number.parseInt(lesson.file.slice(0, 2), 10);
}

/** The columns of every lesson, in lesson order: its cells with an expectation, then the checks it adds. */
export function roomColumns(lessons: Lesson[]): RoomColumn[] {
  return lessons.flatMap((lesson) => [...stepColumns(lesson), ...checkColumns(lesson)]);
}

function stepColumns(lesson: Lesson): StepColumn[] {
  const name = lessonName(lesson);
  const n = lessonNumberOf(lesson);
  return lesson.steps.flatMap((step, index): StepColumn[] =>
    step.kind === "sql" && step.expect !== undefined
      ? [
          {
            kind: "step",
            id: `${name}#cell-${index + 1}`,
            lesson: name,
            label: `${n} · cell ${index + 1}`,
            step: index + 1,
            expectation: parseExpectation(step.expect),
          },
        ]
      : [],
  );
}

function checkColumns(lesson: Lesson): CheckColumn[] {
  const name = lessonName(lesson);
  const n = lessonNumberOf(lesson);
  const seen = new Set<string>();
  // A lesson without declared states (a new one not yet in lesson-states.ts) has steps but no check columns.
  const added = hasState(n) ? builtBy(lessonState(n)) : [];
  return added.flatMap((check): CheckColumn[] => {
    const about = subject(check);
    if (seen.has(about)) return [];
    seen.add(about);
    return [
      {
        kind: "check",
        id: `${name}#check:${about}`,
        lesson: name,
        label: `${n} · ${checkLabel(check)}`,
        check: about,
        ...(check.cell === undefined ? {} : { cell: check.cell }),
      },
    ];
  });
}

function hasState(n: number): boolean {
  try {
    lessonState(n);
    return true;
  } catch {
    return false;
  }
}

const joined = (items: readonly string[]) => items.join(", ");

/** A few words for a grid header; the lesson page's checklist has the full sentence. */
export function checkLabel(check: StateCheck): string {
  switch (check.kind) {
    case "up":
      return check.nodes.length === 4 ? "all nodes up" : `${joined(check.nodes)} up`;
    case "table":
      return `${check.table} on ${check.nodes.length === 4 ? "every node" : joined(check.nodes)}`;
    case "no-table":
      return `no ${joined(check.tables)} on ${joined(check.nodes)}`;
    case "rows":
      return `${check.node} has ${check.count} row${check.count === 1 ? "" : "s"}`;
    case "counts-equal":
      return "counts equal";
    case "publication":
      return `publication ${check.name}`;
    case "only-publications":
      return `only publication${check.names.length === 1 ? "" : "s"} ${joined(check.names)}`;
    case "subscription":
      return `${check.node} subscribed`;
    case "only-subscriptions":
      return check.names.length === 0 ? `${check.node} unsubscribed` : `${check.node} only ${joined(check.names)}`;
    case "only-slots":
      return check.names.length === 0 ? "no slots" : "slots in use";
    case "setting":
      return `${check.node} ${check.name}=${check.value}`;
    case "no-roles":
      return `${check.node} roles dropped`;
    case "no-extensions":
      return `${check.node} no ${joined(check.extensions)}`;
  }
}

/** What each cell of each lesson expects, keyed by stepKey (a cell without `expect=` expects to run cleanly). */
export type StepExpectations = ReadonlyMap<string, Expectation>;

/** "05-subscriptions#3": a lesson's step, 1-based, as the progress events name it. */
export function stepKey(lesson: string, step: number): string {
  return `${lesson}#${step}`;
}

export function stepExpectations(lessons: Lesson[]): StepExpectations {
  const expectations = new Map<string, Expectation>();
  for (const lesson of lessons) {
    lesson.steps.forEach((step, index) => {
      if (step.kind === "sql") expectations.set(stepKey(lessonName(lesson), index + 1), parseExpectation(step.expect));
    });
  }
  return expectations;
}
