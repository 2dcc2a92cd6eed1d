// What a cell declares it must produce, e.g. expect="ok", expect="error:08P01", expect="rows>=1". The page
// shows whether the live result met it; the lesson replay fails on any cell that doesn't.
import type { QueryResponse } from "./api-types.ts";

export type Expectation =
  | { kind: "ok" }
  | { kind: "error"; code?: string }
  | { kind: "rows"; op: "=" | ">=" | "<=" | ">" | "<"; count: number };

export function parseExpectation(text: string | undefined): Expectation {
  const value = (text ?? "ok").trim();
  if (value === "ok") return { kind: "ok" };
  const error = /^error(?::([0-9A-Z]{5}))?$/.exec(value);
  if (error) return error[1] ? { kind: "error", code: error[1] } : { kind: "error" };
  const rows = /^rows\s*(>=|<=|=|>|<)\s*(\d+)$/.exec(value);
  if (rows) return { kind: "rows", op: rows[1] as "=", count: Number(rows[2]) };
  throw new Error(`expect="${value}" is not an expectation: use ok, error, error:SQLSTATE, or rows>=N (=, >, <, <=)`);
}

export function describeExpectation(expectation: Expectation): string {
  switch (expectation.kind) {
    case "ok":
      return "runs without error";
    case "error":
      return expectation.code ? `fails with SQLSTATE ${expectation.code}` : "fails";
    case "rows":
      return `returns ${expectation.op === "=" ? "" : `${expectation.op} `}${expectation.count} row${expectation.count === 1 ? "" : "s"}`;
  }
}

export interface Verdict {
  met: boolean;
  /** Why not, in a sentence; empty when met. */
  reason: string;
}

const compare = { "=": (a: number, b: number) => a === b, ">=": (a: number, b: number) => a >= b, "<=": (a: number, b: number) => a <= b, ">": (a: number, b: number) => a > b, "<": (a: number, b: number) => a < b };

/** Judges one node's response. Row expectations look at the last statement that returned rows. */
export function judge(expectation: Expectation, response: QueryResponse): Verdict {
  const { error } = response;
  if (expectation.kind === "error") {
    if (!error) return { met: false, reason: `expected an error${expectation.code ? ` ${expectation.code}` : ""}, but it ran without one` };
    if (expectation.code && error.code !== expectation.code) {
      return { met: false, reason: `expected error ${expectation.code}, got ${error.code}: ${error.message}` };
    }
    return { met: true, reason: "" };
  }
  if (error) return { met: false, reason: `failed with ${error.code}: ${error.message}` };
  if (expectation.kind === "ok") return { met: true, reason: "" };
  const withRows = [...response.results].reverse().find((result) => result.fields.length > 0);
  const count = withRows?.truncated ? Number.POSITIVE_INFINITY : (withRows?.rows.length ?? 0);
  return compare[expectation.op](count, expectation.count)
    ? { met: true, reason: "" }
    : { met: false, reason: `expected rows ${expectation.op} ${expectation.count}, got ${count}` };
}
