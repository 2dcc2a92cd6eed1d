// Workshop mode's progress reports (issue 14): on a page the hub served (it marks <html data-workshop>), each step
// run, each expectation's verdict and each state check's change is posted to the hub, which keeps it for the
// instructor's room and the attendee's other devices. A report is fire-and-forget: it never delays a cell, and a
// refused or failed one is dropped, not retried. A single-user page sends nothing.
import type { ProgressEvent } from "../../shared/progress-events.ts";
import { labToken } from "./lab-client.ts";

/** The schema's bounds (shared/progress-events.ts): longer text is cut rather than the report refused. */
const MESSAGE_CHARS = 1_000;
const SQL_CHARS = 100_000;
const CHECK_CHARS = 200;

export function inWorkshop(): boolean {
  return typeof document !== "undefined" && document.documentElement.hasAttribute("data-workshop");
}

/** A lesson as the events name it: its file name without ".mdx". */
export function lessonName(file: string): string {
  return file.replace(/\.mdx?$/, "");
}

/**
 * A lesson's step as the events name it, from its key's parts (parseStepKey in progress.ts): the lesson without
 * ".mdx", and the step 1-based as the page's #cell-N anchors count (the key counts from 0).
 */
export function reportedStep(key: { lesson: string; step: number }): { lesson: string; step: number } {
  return { lesson: lessonName(key.lesson), step: key.step + 1 };
}

export function reportProgress(event: ProgressEvent): void {
  if (!inWorkshop()) return;
  // The CSRF token the page's API calls carry as their Bearer token; without it the hub would refuse the report.
  const token = labToken();
  if (!token) return;
  const body: ProgressEvent = { ...event };
  if (body.message !== undefined) body.message = body.message.slice(0, MESSAGE_CHARS);
  if (body.sql !== undefined) body.sql = body.sql.slice(0, SQL_CHARS);
  if (body.check !== undefined) body.check = body.check.slice(0, CHECK_CHARS);
  try {
    void fetch("/workshop/progress", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).catch(() => {});
  } catch {
    // A page without fetch (or one it refuses synchronously) loses the report, never the cell's run.
  }
}

/** The state checks' verdicts last reported, so that a re-check which changes nothing sends nothing. */
export class CheckReports {
  private readonly last = new Map<string, boolean>();

  constructor(private readonly lesson: string) {}

  report(check: string, met: boolean, off: string): void {
    if (this.last.get(check) === met) return;
    this.last.set(check, met);
    reportProgress({
      kind: "state-check",
      lesson: lessonName(this.lesson),
      check,
      met,
      ...(met || !off ? {} : { message: off }),
    });
  }
}
