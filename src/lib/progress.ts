// The learner's progress through the lessons, kept in this browser (localStorage), one entry per lesson file:
// which of its steps ran and what its state checklist last said. The sidebar and the home page show it. Like the
// notebook (cell/notebook-store.ts), storage is a convenience: when the browser refuses it, nothing is marked and
// every page works the same. The rule that turns a record into done / in progress lives in progress/rule.ts.
import { mergeRecords, progressOf, type LessonProgress, type LessonRecord } from "./progress/rule.ts";

export type { LessonProgress } from "./progress/rule.ts";

/** Fired on document whenever this page records or clears progress, with `detail.lesson` (undefined: all). */
export const PROGRESS_CHANGED = "lab-progress-changed";

const PREFIX = "replication-lab:progress:";
/**
 * When this browser last cleared a lesson's progress ("*": all of it). In workshop mode the page merges the
 * attendee's progress back from the hub on each load (workshop/class-client.ts); what was reported before a clear
 * must not come back with it.
 */
const CLEARED = "replication-lab:progress-cleared:";

/** Whether a localStorage key (from a `storage` event of another tab) holds progress; null is a clear of all. */
export function isProgressKey(key: string | null): boolean {
  return key === null || key.startsWith(PREFIX);
}

export function lessonRecord(lessonFile: string): LessonRecord | undefined {
  try {
    const text = localStorage.getItem(PREFIX + lessonFile);
    if (!text) return undefined;
    const parsed = JSON.parse(text) as Partial<LessonRecord>;
    const ran = Array.isArray(parsed.ran) ? parsed.ran.filter((step): step is number => Number.isInteger(step)) : [];
    return {
      ran,
      ...(typeof parsed.checks === "boolean" ? { checks: parsed.checks } : {}),
      ...(typeof parsed.checksMetAt === "string" ? { checksMetAt: parsed.checksMetAt } : {}),
      ...(typeof parsed.at === "string" ? { at: parsed.at } : {}),
    };
  } catch {
    return undefined;
  }
}

function changed(lesson: string | undefined): void {
  document.dispatchEvent(new CustomEvent(PROGRESS_CHANGED, { detail: { lesson } }));
}

function update(lessonFile: string, change: (record: LessonRecord) => LessonRecord): void {
  const next = change(lessonRecord(lessonFile) ?? { ran: [] });
  try {
    localStorage.setItem(PREFIX + lessonFile, JSON.stringify(next));
  } catch {
    // Storage disabled or full: progress is not kept, and the marks stay as they were.
    return;
  }
  changed(lessonFile);
}

/** A step of the lesson ran on the lab, whatever it answered. */
export function recordStepRan(lessonFile: string, step: number): void {
  update(lessonFile, (record) => ({
    ...record,
    ran: record.ran.includes(step) ? record.ran : [...record.ran, step].sort((a, b) => a - b),
    at: new Date().toISOString(),
  }));
}

/**
 * The lesson's state checklist was evaluated: whether every check was met (see progressOf in progress/rule.ts for
 * how the verdicts count). The checklist re-checks every few seconds: an unchanged verdict writes nothing.
 */
export function recordStateChecks(lessonFile: string, allMet: boolean): void {
  const record = lessonRecord(lessonFile);
  const metSinceLastStep = record?.checksMetAt !== undefined && record.checksMetAt >= (record.at ?? "");
  if (record?.checks === allMet && (!allMet || metSinceLastStep)) return;
  update(lessonFile, (kept) => ({
    ...kept,
    checks: allMet,
    ...(allMet ? { checksMetAt: new Date().toISOString() } : {}),
  }));
}

/**
 * Adds what another device of the same attendee recorded (workshop mode keeps it on the hub): see mergeRecords in
 * progress/rule.ts. A merge that changes nothing writes nothing.
 */
export function mergeLessonRecord(lessonFile: string, from: LessonRecord): void {
  const kept = lessonRecord(lessonFile);
  const merged = mergeRecords(kept, from);
  if (JSON.stringify(merged) === JSON.stringify(kept)) return;
  update(lessonFile, () => merged);
}

export function lessonProgress(lessonFile: string, stepCount: number): LessonProgress {
  return progressOf(lessonRecord(lessonFile), stepCount);
}

/** When this browser last cleared this lesson's progress (or all), as an ISO time; undefined if never. */
export function progressClearedAt(lessonFile: string): string | undefined {
  try {
    const times = [localStorage.getItem(CLEARED + lessonFile), localStorage.getItem(CLEARED + "*")];
    return times
      .filter((time): time is string => time !== null)
      .sort()
      .at(-1);
  } catch {
    return undefined;
  }
}

/** Forgets one lesson's progress, or every lesson's. */
export function clearProgress(lessonFile?: string): void {
  try {
    localStorage.setItem(CLEARED + (lessonFile ?? "*"), new Date().toISOString());
    if (lessonFile !== undefined) localStorage.removeItem(PREFIX + lessonFile);
    else {
      const keys = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i)).filter(
        (key): key is string => key?.startsWith(PREFIX) ?? false,
      );
      for (const key of keys) localStorage.removeItem(key);
    }
  } catch {
    // Storage disabled: nothing was kept.
    return;
  }
  changed(lessonFile);
}

/**
 * A lesson step's key, as the cells carry it (`05-subscriptions.mdx#3`, see recordKey in
 * shared/lessons/lesson-cells.ts).
 */
export function parseStepKey(key: string | undefined): { lesson: string; step: number } | undefined {
  const match = key ? /^(.+\.mdx)#(\d+)$/.exec(key) : null;
  return match ? { lesson: match[1]!, step: Number(match[2]) } : undefined;
}
