// What a lesson's cell tells the learner's progress when it ran (single-user marks, and in a workshop the hub's
// events): the step ran, with a short text of what it gave, and its expectation's verdict with the error the lab
// answered. Kept out of sql-cell-element.ts, which is about the cell on the page.
import type { QueryResponse } from "../../../shared/api-types.ts";
import type { Verdict } from "../../../shared/lessons/expectations.ts";
import { PROGRESS_OUTPUT_LIMIT } from "../../../shared/progress-limits.ts";
import { parseStepKey, recordStepRan } from "../progress.ts";
import { reportedStep, reportProgress } from "../progress-report.ts";

/** The commands whose tag carries a row count, as psql prints it ("SELECT 3"); DDL's tag is its name alone. */
const COUNTED = new Set(["SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "FETCH", "MOVE"]);

/**
 * A cell's answer as a few lines of text for the instructor's view of the attendee: per node (when several), each
 * statement's command tag and its first rows, tab-separated; or the error's line. Cut at PROGRESS_OUTPUT_LIMIT.
 */
export function outputText(responses: QueryResponse[]): string {
  const lines: string[] = [];
  for (const response of responses) {
    if (responses.length > 1) lines.push(`-- ${response.node}`);
    for (const result of response.results) {
      // A meta-command (\dt) gives psql's own text, which has its title and row count already.
      if (result.psql !== undefined) {
        lines.push(...result.psql.trimEnd().split("\n").slice(0, PROGRESS_OUTPUT_LIMIT.rows));
        continue;
      }
      if (result.message !== undefined) {
        lines.push(result.message);
        continue;
      }
      const counted = result.rowCount !== null && COUNTED.has(result.command);
      lines.push(counted ? `${result.command} ${result.rowCount}` : result.command);
      if (result.fields.length > 0) {
        lines.push(result.fields.map((field) => field.name).join("\t"));
        const shown = result.rows.slice(0, PROGRESS_OUTPUT_LIMIT.rows);
        lines.push(...shown.map((row) => row.map((value) => value ?? "NULL").join("\t")));
        if (result.rows.length > shown.length) lines.push(`(${result.rows.length - shown.length} more rows)`);
      }
    }
    if (response.error) lines.push(`ERROR: ${response.error.code}: ${response.error.message}`);
  }
  const text = lines.join("\n");
  return text.length > PROGRESS_OUTPUT_LIMIT.chars ? `${text.slice(0, PROGRESS_OUTPUT_LIMIT.chars - 1)}…` : text;
}

/**
 * The lesson's step ran, whatever it answered: the learner's progress. An edited cell's run does not count (the
 * caller doesn't call this): it ran the learner's SQL, not the step, and the lab may not be where the step leaves it.
 */
export function recordCellRun(key: string | undefined, sql: string, responses: QueryResponse[], verdicts: Verdict[]) {
  const step = parseStepKey(key);
  if (!step) return;
  recordStepRan(step.lesson, step.step);
  // In a workshop the hub hears of it too: the step ran (and what it gave), and its verdict with the lab's error.
  const reported = reportedStep(step);
  reportProgress({ kind: "ran", ...reported, output: outputText(responses) });
  const met = verdicts.every((verdict) => verdict.met);
  const error = responses.find((response) => response.error)?.error;
  const why = error?.message ?? verdicts.find((verdict) => !verdict.met)?.reason;
  reportProgress({
    kind: "expectation",
    ...reported,
    met,
    sql,
    ...(error && /^[0-9A-Z]{5}$/.test(error.code) ? { sqlstate: error.code } : {}),
    ...(!met && why ? { message: why } : error ? { message: error.message } : {}),
  });
}
