// How far a learner is in each lesson, from what their browser recorded: which steps ran and whether the
// lesson's state checks were last all met. Pure, so that the rule is tested without a browser; progress.ts keeps
// the records in localStorage.
import { stepId } from "../step-links.ts";

export type LessonProgress = "done" | "in-progress" | "not-started";

/** What the browser keeps for one lesson. */
export interface LessonRecord {
  /** Indexes of the lesson's steps that ran at least once, in any order. */
  ran: number[];
  /** The last state checklist's verdict; absent when the lesson's checks never reported. */
  checks?: boolean;
  /** When the checklist last said all met (ISO 8601). */
  checksMetAt?: string;
  /** When a step last ran (ISO 8601): the lesson worked on last is where the learner goes on. */
  at?: string;
}

/** A lesson as the pages know it at build time: enough to mark it and link to it. */
export interface LessonSummary {
  /** e.g. 05-subscriptions.mdx: the key progress is kept under. */
  file: string;
  /** e.g. /lessons/05-subscriptions/ */
  href: string;
  /** e.g. "5. Subscriptions and replication slots" */
  title: string;
  /** How many steps (cells and lab actions) the lesson has. */
  steps: number;
}

/** How many of the lesson's steps (0..stepCount-1) ran; indexes of steps the lesson no longer has don't count. */
export function stepsRun(record: LessonRecord | undefined, stepCount: number): number {
  return new Set((record?.ran ?? []).filter((step) => step >= 0 && step < stepCount)).size;
}

/**
 * Done when every step ran at least once and the lesson's checklist, if it ever reported, last said the lab is
 * in the state the lesson builds; in progress once any step ran; else not started.
 *
 * A lesson whose checklist was all met after its last step ran stays done when the checklist later says otherwise:
 * the checklist runs whenever the lesson's page is open, and the lessons after it change the lab (lesson 8 drops a
 * subscription lesson 5 made), so going back to read a finished lesson must not take its mark away. Running one
 * of its steps again makes the last verdict count again.
 */
export function progressOf(record: LessonRecord | undefined, stepCount: number): LessonProgress {
  const ran = stepsRun(record, stepCount);
  if (ran === 0) return "not-started";
  if (ran < stepCount) return "in-progress";
  const finished = record?.checksMetAt !== undefined && record.checksMetAt >= (record.at ?? "");
  return record?.checks !== false || finished ? "done" : "in-progress";
}

/**
 * This browser's record of a lesson with another device's (workshop mode: from the hub's events): the steps either
 * ran, the later of the two last runs, and the other's checklist verdict where this one has none or an older one.
 */
export function mergeRecords(kept: LessonRecord | undefined, from: LessonRecord): LessonRecord {
  const ran = [...new Set([...(kept?.ran ?? []), ...from.ran])].sort((a, b) => a - b);
  const theirsLater = kept?.checks === undefined || (from.checksMetAt ?? from.at ?? "") > (kept.at ?? "");
  const merged: LessonRecord = { ...kept, ran };
  if (theirsLater && from.checks !== undefined) {
    merged.checks = from.checks;
    if (from.checksMetAt !== undefined) merged.checksMetAt = from.checksMetAt;
  }
  const at = [kept?.at, from.at]
    .filter((time): time is string => time !== undefined)
    .sort()
    .at(-1);
  if (at !== undefined) merged.at = at;
  return merged;
}

/** The first step that never ran, or undefined when all did. */
export function firstStepNotRun(record: LessonRecord | undefined, stepCount: number): number | undefined {
  const ran = new Set(record?.ran ?? []);
  for (let step = 0; step < stepCount; step++) if (!ran.has(step)) return step;
  return undefined;
}

/** The mark a lesson gets in the sidebar and on the home page, and what it says to a screen reader. */
export const PROGRESS_MARKS: Record<LessonProgress, { symbol: string; label: string } | null> = {
  done: { symbol: "✓", label: "done" },
  "in-progress": { symbol: "◐", label: "in progress" },
  "not-started": null,
};

/** Where the home page sends the learner. */
export type WhereToGoOn =
  | { kind: "start"; lesson: LessonSummary }
  | { kind: "continue"; lesson: LessonSummary; ran: number; firstNotRun: number | undefined }
  | { kind: "next"; lesson: LessonSummary; after: LessonSummary }
  | { kind: "all-done"; count: number };

/**
 * The lesson worked on last, while it is not done; once it is, the first lesson after it that is not done (then
 * the first one before it, for a learner who skipped ahead). Nothing ran: lesson 1.
 */
export function whereToGoOn(lessons: LessonSummary[], records: Record<string, LessonRecord | undefined>): WhereToGoOn {
  const progress = lessons.map((lesson) => progressOf(records[lesson.file], lesson.steps));
  const touched = lessons
    .map((lesson, i) => ({ i, at: records[lesson.file]?.at ?? "" }))
    .filter(({ i }) => progress[i] !== "not-started");
  if (touched.length === 0) return { kind: "start", lesson: lessons[0]! };
  const last = touched.reduce((latest, entry) => (entry.at > latest.at ? entry : latest)).i;
  const order = [...lessons.keys()].slice(last).concat([...lessons.keys()].slice(0, last));
  const target = order.find((i) => progress[i] !== "done");
  if (target === undefined) return { kind: "all-done", count: lessons.length };
  const lesson = lessons[target]!;
  const record = records[lesson.file];
  if (progress[target] === "in-progress") {
    return {
      kind: "continue",
      lesson,
      ran: stepsRun(record, lesson.steps),
      firstNotRun: firstStepNotRun(record, lesson.steps),
    };
  }
  return { kind: "next", lesson, after: lessons[last]! };
}

/** "What logical replication is" from "1. What logical replication is". */
function shortTitle(lesson: LessonSummary): string {
  return lesson.title.replace(/^\d+\.\s*/, "");
}

/** The lesson's number, from its file name (05-subscriptions.mdx). */
function lessonNumber(lesson: LessonSummary): number {
  return Number.parseInt(lesson.file, 10);
}

/**
 * The home page's sentence and where it links: the first step not yet run of a lesson in progress (#cell-N), or
 * the top of a lesson not started. None when all lessons are done: that has a paragraph of its own on the page.
 */
export function describeWhereToGoOn(where: WhereToGoOn): { text: string; href: string } | undefined {
  if (where.kind === "all-done") return undefined;
  const { lesson } = where;
  if (where.kind === "start")
    return { text: `Start with lesson ${lessonNumber(lesson)}: ${shortTitle(lesson)}`, href: lesson.href };
  if (where.kind === "next")
    return { text: `Continue with ${lesson.title}: lesson ${lessonNumber(where.after)} is done`, href: lesson.href };
  if (where.firstNotRun === undefined) {
    return {
      text: `Continue with ${lesson.title}: all ${lesson.steps} cells ran, and its state checks are not all met yet`,
      href: lesson.href,
    };
  }
  return {
    text: `Continue with ${lesson.title}: ${where.ran} of ${lesson.steps} cells run`,
    href: `${lesson.href}#${stepId(where.firstNotRun)}`,
  };
}
