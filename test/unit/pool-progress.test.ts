// The warm pool's progress in the hub's terminal (server/workshop/pool-progress.ts): a bar per change of the
// ready count, then how long the fill took; silent once an attendee has joined.
import { afterEach, describe, expect, it, vi } from "vitest";
import { poolLine, reportPoolFill } from "../../server/workshop/pool-progress.ts";
import type { LabProvider, ProviderStatus } from "../../server/workshop/provider.ts";

function provider(status: ProviderStatus): LabProvider {
  return { status: () => ({ ...status }) } as unknown as LabProvider;
}

afterEach(() => vi.useRealTimers());

describe("the warm pool's progress", () => {
  it("draws a bar of the ready labs against the pool", () => {
    expect(poolLine(0, 20, 20)).toBe("warm pool [--------------------]  0 of 20 labs ready, 20 starting");
    expect(poolLine(5, 2, 20)).toBe("warm pool [#####---------------]  5 of 20 labs ready, 2 starting");
    expect(poolLine(3, 0, 3)).toBe("warm pool [####################] 3 of 3 labs ready");
  });

  it("says each change of the ready count, then that the pool is full, and stops", () => {
    vi.useFakeTimers();
    const status: ProviderStatus = { ready: 0, starting: 2, assigned: 0, parked: 1, capacityLeft: 3 };
    const lines: string[] = [];
    reportPoolFill(provider(status), 2, (line) => lines.push(line.trim()), 100);
    vi.advanceTimersByTime(300);
    status.ready = 1;
    status.starting = 1;
    vi.advanceTimersByTime(300);
    status.ready = 2;
    status.starting = 0;
    vi.advanceTimersByTime(100);
    vi.advanceTimersByTime(1_000);
    expect(lines).toEqual([
      "warm pool [--------------------] 0 of 2 labs ready, 2 starting",
      "warm pool [##########----------] 1 of 2 labs ready, 1 starting",
      "warm pool [####################] 2 of 2 labs ready",
      "The warm pool is full (0.7 s): attendees may join.",
    ]);
  });

  it("falls silent once an attendee has joined", () => {
    vi.useFakeTimers();
    const status: ProviderStatus = { ready: 0, starting: 3, assigned: 0, parked: 0, capacityLeft: 3 };
    const lines: string[] = [];
    reportPoolFill(provider(status), 3, (line) => lines.push(line.trim()), 100);
    status.ready = 1;
    status.starting = 2;
    vi.advanceTimersByTime(100);
    status.ready = 0;
    status.assigned = 1;
    vi.advanceTimersByTime(100);
    status.ready = 2;
    vi.advanceTimersByTime(1_000);
    expect(lines).toHaveLength(2);
  });
});
