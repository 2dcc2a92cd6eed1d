import { describe, expect, it } from "vitest";
import { loadRequestSchema, newUserSchema, queryRequestSchema } from "../../shared/api-schemas.ts";
import { clientMessageSchema } from "../../shared/console-schemas.ts";
import { InvalidRequest } from "../../server/errors.ts";
import { parseBody } from "../../server/request-body.ts";

/** The sentence a refused body gets (the error's message), or the parsed body. */
function refusal(schema: Parameters<typeof parseBody>[0], body: unknown): string {
  try {
    parseBody(schema, body);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequest);
    return (error as Error).message;
  }
  throw new Error("the body was accepted");
}

describe("a refused body names each wrong field and what it expected, and never echoes what was sent", () => {
  it("a node that doesn't exist", () => {
    expect(refusal(queryRequestSchema, { node: "slave9", sql: "SELECT 1" })).toBe(
      "node: expected one of master, slave1, slave2, slave3, standby.",
    );
  });

  it("says what came instead by its kind only", () => {
    const secret = "s3cret-value";
    const message = refusal(queryRequestSchema, { node: "master", sql: [secret] });
    expect(message).toBe("sql: expected a string, got an array.");
    expect(refusal(newUserSchema, { name: { secret }, email: "a@b" })).toBe("name: expected a string, got an object.");
  });

  it("names at most three issues, and cuts a field name a sender made huge", () => {
    const body = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}${"x".repeat(500)}`, i]));
    const message = refusal(loadRequestSchema, body);
    expect(message.split("; ")).toHaveLength(3);
    expect(message.length).toBeLessThan(300);
  });

  it("takes a well-formed body as it is, with an optional id left out", () => {
    expect(parseBody(queryRequestSchema, { node: "slave2", sql: "SELECT 1" })).toEqual({
      node: "slave2",
      sql: "SELECT 1",
    });
    expect(parseBody(loadRequestSchema, { requests: 10_000, concurrency: 50 })).toEqual({
      requests: 10_000,
      concurrency: 50,
    });
  });

  it("the console's messages: a line, or a cancel", () => {
    expect(clientMessageSchema.parse({ type: "line", text: "SELECT 1;" })).toEqual({ type: "line", text: "SELECT 1;" });
    expect(clientMessageSchema.parse({ type: "cancel" })).toEqual({ type: "cancel" });
    expect(clientMessageSchema.safeParse({ type: "cancel", text: "x" }).success).toBe(false);
  });
});
