// The progress reports' rate limit: a full bucket lets a burst through, then refuses until time refills it,
// and each attendee has their own bucket.
import { describe, expect, it } from "vitest";
import { RateLimit } from "../../server/workshop/progress-limit.ts";

describe("the progress rate limit", () => {
  it("lets a burst through, refuses the next, and lets events through again as time passes", () => {
    let now = 1_000_000;
    const limit = new RateLimit({ burst: 5, perSecond: 2 }, () => now);
    const burst = Array.from({ length: 7 }, () => limit.take("ada"));
    expect(burst).toEqual([true, true, true, true, true, false, false]);
    // Another attendee's bucket is full still.
    expect(limit.take("bo")).toBe(true);
    now += 499;
    expect(limit.take("ada")).toBe(false);
    now += 1;
    expect(limit.take("ada")).toBe(true);
    expect(limit.take("ada")).toBe(false);
    // A long pause refills the bucket to its burst, not beyond.
    now += 60_000;
    expect(Array.from({ length: 6 }, () => limit.take("ada")).filter(Boolean)).toHaveLength(5);
  });
});
