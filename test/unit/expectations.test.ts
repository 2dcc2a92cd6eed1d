import { describe, expect, it } from "vitest";
import type { Notice, QueryResponse } from "../../shared/api-types.ts";
import { describeExpectation, judge, parseExpectation } from "../../shared/lessons/expectations.ts";

function answer(notices: Notice[], error?: QueryResponse["error"]): QueryResponse {
  const result = {
    command: "CREATE SUBSCRIPTION",
    rowCount: 0,
    fields: [],
    rows: [],
    truncated: false,
    notices,
    durationMs: 1,
    span: [0, 1] as [number, number],
  };
  return error ? { node: "slave1", results: [], error } : { node: "slave1", results: [result] };
}

const slotNotice: Notice = {
  severity: "NOTICE",
  message: 'created replication slot "usersub" on publisher',
  routine: "CreateSubscription",
  file: "subscriptioncmds.c",
  line: "791",
};

describe("a notice expectation", () => {
  it("parses notice:FUNCTION and says what it wants", () => {
    const expectation = parseExpectation("notice:CreateSubscription");
    expect(expectation).toEqual({ kind: "notice", routine: "CreateSubscription" });
    expect(describeExpectation(expectation)).toBe("a notice raised by CreateSubscription() on this node");
  });

  it("is met only by a notice that this server function raised", () => {
    const expectation = parseExpectation("notice:CreateSubscription");
    expect(judge(expectation, answer([slotNotice])).met).toBe(true);
    const elsewhere = judge(expectation, answer([{ ...slotNotice, routine: "CreateReplicationSlot" }]));
    expect(elsewhere).toEqual({
      met: false,
      reason: "expected a notice raised by CreateSubscription(), only by CreateReplicationSlot",
    });
    expect(judge(expectation, answer([])).reason).toBe(
      "expected a notice raised by CreateSubscription(), none was raised",
    );
  });

  it("is not met by a failure, whatever notices came before it", () => {
    const failed = answer([], {
      code: "08P01",
      message: "could not create replication slot",
      node: "slave1",
      notices: [slotNotice],
    });
    expect(judge(parseExpectation("notice:CreateSubscription"), failed).met).toBe(false);
  });

  it("refuses a malformed function name", () => {
    expect(() => parseExpectation("notice:no such")).toThrow(/notice:FUNCTION/);
  });
});
