// What a refused request or console message is told: each field that is wrong and what was expected there, as
// "node: expected one of master, slave1, slave2, slave3". zod's own messages ("Invalid input: expected string,
// received undefined") name neither the field nor the choices, and its thrown error prints the whole input.
import type { z } from "zod";

/** A field name this long is the sender's mistake, not something to print whole. */
const MAX_NAME = 40;
/** More than a few wrong fields is a different request altogether; the first ones say enough. */
const MAX_ISSUES = 3;

/** The error map for safeParse: zod's issue in words, for the issues a schema gives no sentence of its own. */
export const expectedInWords: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${kindOf(issue.input)}`;
    case "invalid_value":
      return `expected ${issue.values.length === 1 ? "" : "one of "}${issue.values.map(String).join(", ")}`;
    case "invalid_union":
      // A discriminated union (the console's messages by `type`) says which values it knows.
      return Array.isArray(issue["options"]) ? `expected one of ${issue["options"].join(", ")}` : undefined;
    case "too_big":
      return issue.origin === "string" ? `expected at most ${issue.maximum} characters` : undefined;
    default:
      return undefined;
  }
};

/** One sentence for all that is wrong: each field (a dotted path) with what was expected there. */
export function describeIssues(error: z.core.$ZodError): string {
  const parts = error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => `${fieldName([...path, key])}: not an expected field`);
    }
    return [`${fieldName(path)}: ${issue.message}`];
  });
  return parts.slice(0, MAX_ISSUES).join("; ");
}

function fieldName(path: string[]): string {
  if (path.length === 0) return "body";
  const name = path.join(".");
  return name.length > MAX_NAME ? `${name.slice(0, MAX_NAME)}...` : name;
}

const TYPE_NAMES: Record<string, string> = {
  object: "a JSON object",
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "an array",
};

/** What the sender sent instead, by kind only: a value is never echoed back (it may be huge, or a secret). */
function kindOf(input: unknown): string {
  if (input === undefined) return "nothing";
  if (input === null) return "null";
  if (Array.isArray(input)) return "an array";
  if (typeof input === "object") return "an object";
  if (typeof input === "number" && !Number.isInteger(input)) return "a fraction";
  return TYPE_NAMES[typeof input] ?? typeof input;
}
