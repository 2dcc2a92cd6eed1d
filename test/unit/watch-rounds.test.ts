import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { QueryResponse, StatementResult } from "../../shared/api-types.ts";
import { repeatRounds, watchRequested } from "../../src/lib/cell/watch-rounds.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A round that takes `ms` and notes when it started (since `t0`) and how many rounds ran at once. */
function slowRound(ms: number, t0: number) {
  const seen = { starts: [] as number[], ends: [] as number[], inFlight: 0, most: 0, aborted: 0 };
  const round = async (signal: AbortSignal) => {
    seen.starts.push(Date.now() - t0);
    seen.inFlight += 1;
    seen.most = Math.max(seen.most, seen.inFlight);
    signal.addEventListener("abort", () => (seen.aborted += 1));
    await sleep(ms);
    seen.inFlight -= 1;
    seen.ends.push(Date.now() - t0);
  };
  return { seen, round };
}

describe("a \\watch's rounds", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it(
    "start every interval, counted from the start of the round before, " + "the first one interval after the run",
    async () => {
      const t0 = Date.now();
      const { seen, round } = slowRound(300, t0);
      const rounds = repeatRounds(round, 1000, t0);
      await vi.advanceTimersByTimeAsync(3500);
      rounds.stop();
      expect(seen.starts).toEqual([1000, 2000, 3000]);
    },
  );

  it("never overlap: a round slower than the interval is followed as soon as it ends", async () => {
    const t0 = Date.now();
    const { seen, round } = slowRound(2500, t0);
    const rounds = repeatRounds(round, 1000, t0);
    await vi.advanceTimersByTimeAsync(9000);
    rounds.stop();
    expect(seen.starts).toHaveLength(4);
    expect(seen.most).toBe(1);
    // Each round starts right after the one before ends (a timer of 0, which the clock counts as 1 ms).
    const gaps = seen.ends.slice(0, 3).map((end, i) => seen.starts[i + 1]! - end);
    expect(gaps.every((gap) => gap >= 0 && gap <= 1)).toBe(true);
  });

  it("stop: the round in flight is told to abort, and none starts after", async () => {
    const t0 = Date.now();
    const { seen, round } = slowRound(2500, t0);
    const rounds = repeatRounds(round, 1000, t0);
    await vi.advanceTimersByTimeAsync(2000);
    rounds.stop();
    expect(seen.aborted).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seen.starts).toEqual([1000]);
  });

  it("go on after a round that throws", async () => {
    const t0 = Date.now();
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    let calls = 0;
    const rounds = repeatRounds(
      async () => {
        calls += 1;
        throw new Error("a bug in the page");
      },
      1000,
      t0,
    );
    await vi.advanceTimersByTimeAsync(2500);
    rounds.stop();
    expect(calls).toBe(2);
    expect(error).toHaveBeenCalledTimes(2);
    error.mockRestore();
  });
});

describe("the \\watch a cell asks for", () => {
  const result = (watch?: StatementResult["watch"]): StatementResult => {
    const plain: StatementResult = {
      command: "SELECT",
      rowCount: 1,
      fields: [],
      rows: [],
      truncated: false,
      notices: [],
      durationMs: 1,
      span: [0, 1],
    };
    return watch ? { ...plain, watch } : plain;
  };
  const watch = { seconds: 1, sql: "SELECT count(*) FROM users " };

  it("is found on the nodes that ran the whole cell, whichever node is down", () => {
    const responses: QueryResponse[] = [
      { node: "master", results: [], error: { code: "LAB01", message: 'node "master" is down', node: "master" } },
      { node: "slave1", results: [result(), result(watch)] },
    ];
    expect(watchRequested(responses)).toEqual(watch);
  });

  it("is none when no node got as far as the \\watch, or the cell has none", () => {
    const failed: QueryResponse = {
      node: "slave1",
      results: [result()],
      error: { code: "42P01", message: "relation does not exist", node: "slave1" },
    };
    expect(watchRequested([failed])).toBeUndefined();
    expect(watchRequested([{ node: "master", results: [result()] }])).toBeUndefined();
  });
});
