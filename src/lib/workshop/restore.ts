// Workshop mode keeps an attendee's progress on the hub (issue 14), so that it survives a change of device: on a
// new browser the page reads the attendee's own events back (GET /workshop/me/progress) and turns them into the
// records solo progress keeps in localStorage (progress.ts), so the sidebar's marks and "where to go on" show
// them. Pure: what the events say, per lesson file; the page merges the result.
import type { StoredProgressEvent } from "../../../shared/progress-events.ts";
import type { LessonRecord } from "../progress/rule.ts";

/** Each lesson's record as the events tell it, keyed by the lesson's file ("05-subscriptions.mdx"). */
export function recordsFromEvents(events: readonly StoredProgressEvent[]): Map<string, LessonRecord> {
  const records = new Map<string, LessonRecord>();
  /** Each lesson's state checks' last verdicts, with when each came. */
  const checks = new Map<string, Map<string, { met: boolean; at: string }>>();
  for (const event of events) {
    if (!event.lesson) continue;
    const file = `${event.lesson}.mdx`;
    const record = records.get(file) ?? { ran: [] };
    records.set(file, record);
    if (event.kind === "ran" && event.step !== undefined) {
      // The events count steps from 1 (as #cell-N does), the records from 0.
      if (!record.ran.includes(event.step - 1)) record.ran.push(event.step - 1);
      if ((record.at ?? "") < event.at) record.at = event.at;
    }
    if (event.kind === "state-check" && event.check !== undefined && event.met !== undefined) {
      const lesson = checks.get(file) ?? new Map<string, { met: boolean; at: string }>();
      checks.set(file, lesson);
      lesson.set(event.check, { met: event.met, at: event.at });
    }
  }
  for (const [file, verdicts] of checks) {
    const record = records.get(file)!;
    const all = [...verdicts.values()];
    record.checks = all.every((verdict) => verdict.met);
    // The checklist was all met from its last change on, as the page's own record would say.
    if (record.checks)
      record.checksMetAt = all
        .map((verdict) => verdict.at)
        .sort()
        .at(-1)!;
  }
  for (const [file, record] of records) {
    record.ran.sort((a, b) => a - b);
    if (record.ran.length === 0 && record.checks === undefined) records.delete(file);
  }
  return records;
}

/** Whether the attendee's hand is up, by their last hand event. */
export function handIsUp(events: readonly StoredProgressEvent[]): boolean {
  return events.filter((event) => event.kind === "hand").at(-1)?.met === true;
}
