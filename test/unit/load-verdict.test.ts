import { describe, expect, it } from "vitest";
import type { LoadVerdict } from "../../src/lib/api-types.ts";
import { verdictHeadline, withinBounds } from "../../src/lib/load-verdict.ts";

describe("the load verdict's bounds on master", () => {
  it("accepts acknowledged <= gained <= acknowledged + unknown, and nothing else", () => {
    const summary = { ok: 100, unknown: 5 };
    expect(withinBounds(100, summary)).toBe(true);
    expect(withinBounds(103, summary)).toBe(true);
    expect(withinBounds(105, summary)).toBe(true);
    expect(withinBounds(99, summary)).toBe(false);
    expect(withinBounds(106, summary)).toBe(false);
    expect(withinBounds(null, summary)).toBe(false);
  });

  it("says how many writes of unknown outcome were committed", () => {
    const verdict: LoadVerdict = {
      acknowledged: 100,
      unknown: 5,
      nothingLost: true,
      nodes: [{ name: "master", state: "up", gained: 103, caughtUpMs: 0 }],
    };
    expect(verdictHeadline(verdict)).toBe(
      "✓ Nothing lost: 100 acknowledged writes, and every node has them. Of 5 writes whose outcome was unknown, 3 were committed.",
    );
  });
});
