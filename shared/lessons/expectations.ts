// What a cell declares it must produce, e.g. expect="ok", expect="error:08P01", expect="rows>=1". The page
// shows whether the live result met it; the lesson replay fails on any cell that doesn't.
import type { QueryResponse } from "../api-types.ts";

export type Expectation =
  | { kind: "ok" }
  /** Every node answered the same (a fan-out cell after replication caught up). */
  | { kind: "same" }
  | { kind: "error"; code?: string }
  /** It ran without error and a notice was raised by this server function (the notice's `routine`). */
  | { kind: "notice"; routine: string }
  | { kind: "rows"; op: "=" | ">=" | "<=" | ">" | "<"; count: number };

export function parseExpectation(text: string | undefined): Expectation {
  const value = (text ?? "ok").trim();
  if (value === "ok") return { kind: "ok" };
  if (value === "same") return { kind: "same" };
  const error = /^error(?::([0-9A-Z]{5}))?$/.exec(value);
  if (error) return error[1] ? { kind: "error", code: error[1] } : { kind: "error" };
  const notice = /^notice:([A-Za-z_][A-Za-z0-9_]*)$/.exec(value);
  if (notice) return { kind: "notice", routine: notice[1]! };
  const rows = /^rows\s*(>=|<=|=|>|<)\s*(\d+)$/.exec(value);
  if (rows) return { kind: "rows", op: rows[1] as "=", count: Number(rows[2]) };
  throw new Error(
    `expect="${value}" is not an expectation: use ok, same, error, error:SQLSTATE, notice:FUNCTION, or ` +
      `rows>=N (=, >, <, <=)`,
  );
}

export function describeExpectation(expectation: Expectation): string {
  switch (expectation.kind) {
    case "ok":
      return "runs without error";
    case "same":
      return "the same answer on every node";
    case "error":
      return expectation.code ? `fails with SQLSTATE ${expectation.code}` : "fails";
    case "notice":
      return `a notice raised by ${expectation.routine}() on this node`;
    case "rows":
      return (
        `returns ${expectation.op === "=" ? "" : `${expectation.op} `}${expectation.count} ` +
        `row${expectation.count === 1 ? "" : "s"}`
      );
  }
}

export interface Verdict {
  met: boolean;
  /** Why not, in a sentence; empty when met. */
  reason: string;
}

const compare = {
  "=": (a: number, b: number) => a === b,
  ">=": (a: number, b: number) => a >= b,
  "<=": (a: number, b: number) => a <= b,
  ">": (a: number, b: number) => a > b,
  "<": (a: number, b: number) => a < b,
};

/** Judges one node's response. Row expectations look at the last statement that returned rows. */
export function judge(expectation: Expectation, response: QueryResponse): Verdict {
  const { error } = response;
  if (expectation.kind === "error") {
    if (!error)
      return {
        met: false,
        reason: `expected an error${expectation.code ? ` ${expectation.code}` : ""}, but it ran without one`,
      };
    if (expectation.code && error.code !== expectation.code) {
      return { met: false, reason: `expected error ${expectation.code}, got ${error.code}: ${error.message}` };
    }
    return { met: true, reason: "" };
  }
  if (error) return { met: false, reason: `failed with ${error.code}: ${error.message}` };
  if (expectation.kind === "ok" || expectation.kind === "same") return { met: true, reason: "" };
  if (expectation.kind === "notice") return judgeNotice(expectation.routine, response);
  const withRows = [...response.results].reverse().find((result) => result.fields.length > 0);
  const count = withRows?.truncated ? Number.POSITIVE_INFINITY : (withRows?.rows.length ?? 0);
  return compare[expectation.op](count, expectation.count)
    ? { met: true, reason: "" }
    : { met: false, reason: `expected rows ${expectation.op} ${expectation.count}, got ${count}` };
}

function judgeNotice(routine: string, response: QueryResponse): Verdict {
  const raised = response.results.flatMap((result) => result.notices).map((notice) => notice.routine);
  if (raised.includes(routine)) return { met: true, reason: "" };
  const seen =
    raised.length > 0 ? `only by ${raised.map((name) => name ?? "an unnamed function").join(", ")}` : "none was raised";
  return { met: false, reason: `expected a notice raised by ${routine}(), ${seen}` };
}

/** What a response shows, reduced so that nodes can be compared: the last result's rows, or the error code. */
export function fingerprint(response: QueryResponse): string {
  if (response.error) return `error:${response.error.code}`;
  const last = response.results[response.results.length - 1];
  return JSON.stringify(last ? [last.fields.map((f) => f.name), last.rows, last.psql ?? null] : null);
}

/** Judges every node's response; `same` also needs every node to have answered alike. */
export function judgeAll(expectation: Expectation, responses: QueryResponse[]): Verdict[] {
  const verdicts = responses.map((response) => judge(expectation, response));
  if (expectation.kind !== "same" || verdicts.some((verdict) => !verdict.met)) return verdicts;
  const reference = fingerprint(responses[0]!);
  return responses.map((response) =>
    fingerprint(response) === reference
      ? { met: true, reason: "" }
      : { met: false, reason: `answered differently from ${responses[0]!.node}` },
  );
}

/**
 * Runs a cell until its expectation is met or `withinSeconds` pass: replication is asynchronous, so "the row
 * is on every follower" is true a moment after the insert, not at once. Returns the last attempt.
 */
export async function runUntilMet(
  run: () => Promise<QueryResponse[]>,
  expectation: Expectation,
  withinSeconds: number,
  pauseMs = 200,
): Promise<{ responses: QueryResponse[]; verdicts: Verdict[]; attempts: number; waitedMs: number }> {
  const started = Date.now();
  for (let attempts = 1; ; attempts++) {
    const responses = await run();
    const verdicts = judgeAll(expectation, responses);
    const waitedMs = Date.now() - started;
    if (verdicts.every((verdict) => verdict.met) || waitedMs >= withinSeconds * 1000)
      return { responses, verdicts, attempts, waitedMs };
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
