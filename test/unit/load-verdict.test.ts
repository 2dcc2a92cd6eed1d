import { describe, expect, it } from "vitest";
import type { FollowerLink, LoadNodeOutcome, LoadVerdict, NodeName } from "../../shared/api-types.ts";
import { judgeOutcome, nodeOutcome, verdictHeadline, verdictNote, withinBounds } from "../../shared/load-verdict.ts";

const master = (gained: number): LoadNodeOutcome => ({ name: "master", state: "up", gained, caughtUpMs: 0, behind: 0 });
const caughtUp = (name: NodeName, gained: number): LoadNodeOutcome => ({
  name,
  state: "up",
  gained,
  caughtUpMs: 12,
  behind: 0,
  link: { state: "streaming", subscription: `sub_${name}`, errorsDuringRun: 0 },
});
const lacking = (name: NodeName, behind: number, link: FollowerLink | null): LoadNodeOutcome => ({
  name,
  state: "up",
  gained: 0,
  caughtUpMs: null,
  behind,
  link,
});
const none: FollowerLink = { state: "none", errorsDuringRun: 0 };

/** A verdict as the controller makes it: the outcome judged from the nodes. */
function verdict(nodes: LoadNodeOutcome[], { acknowledged = 500, unknown = 0, publication = true } = {}): LoadVerdict {
  const outcome = judgeOutcome(nodes, { ok: acknowledged, unknown });
  return { acknowledged, unknown, nodes, outcome, nothingLost: outcome !== "lost", publication };
}

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
    expect(verdictHeadline(verdict([master(103)], { acknowledged: 100, unknown: 5 }))).toBe(
      "✓ Nothing lost: 100 acknowledged writes, and every node has them. Of 5 writes whose outcome was " +
        "unknown, 3 were committed.",
    );
  });

  it("says master gained too many rows when something else wrote during the run", () => {
    const extra = verdict([master(510)], { acknowledged: 500 });
    expect(extra.outcome).toBe("extra");
    expect(verdictHeadline(extra)).toBe(
      "✗ master gained 510 rows, more than the 500 acknowledged writes and 0 of unknown outcome: something " +
        "else wrote to users during the run.",
    );
  });
});

describe("the load verdict's words about followers", () => {
  it("every follower caught up: nothing lost, and each one's time", () => {
    const all = verdict([master(500), caughtUp("slave1", 500), caughtUp("slave2", 500), caughtUp("slave3", 500)]);
    expect(all.outcome).toBe("replicated");
    expect(verdictHeadline(all, (n) => n.toLocaleString("en-US"))).toBe(
      "✓ Nothing lost: 500 acknowledged writes, and every node has them.",
    );
    expect(nodeOutcome(all.nodes[0]!)).toBe("the publisher");
    expect(nodeOutcome(all.nodes[1]!)).toBe("caught up 12 ms after the last acknowledged write");
  });

  it("a follower that is down is named, and catches up when started if it is subscribed", () => {
    const slave2: LoadNodeOutcome = {
      name: "slave2",
      state: "down",
      gained: null,
      caughtUpMs: null,
      behind: null,
      link: { state: "streaming", subscription: "usersub", errorsDuringRun: 0 },
    };
    const down = verdict([master(500), caughtUp("slave1", 500), slave2, caughtUp("slave3", 500)]);
    expect(down.outcome).toBe("replicated");
    expect(verdictHeadline(down)).toBe(
      "✓ Nothing lost: 500 acknowledged writes, and every node that is up has them (slave2 is down).",
    );
    expect(nodeOutcome(slave2)).toBe("down: it catches up when started");
    expect(nodeOutcome({ ...slave2, link: none })).toBe(
      "down, and not subscribed to userpub: starting it won't bring these rows",
    );
  });

  it("followers with no subscription to userpub never received the rows: not a loss, and lesson 5 is the fix", () => {
    const unsubscribed = verdict([
      master(500),
      caughtUp("slave1", 500),
      lacking("slave2", 500, none),
      lacking("slave3", 500, none),
    ]);
    expect(unsubscribed.outcome).toBe("unreplicated");
    expect(unsubscribed.nothingLost).toBe(true);
    expect(verdictHeadline(unsubscribed)).toBe(
      "✗ slave2 and slave3 are not subscribed to userpub, so they never received these rows: lesson 5 " +
        "creates their subscriptions " +
        "(or use “Start this lesson from a known state” at the top of lesson 6's page).",
    );
    expect(verdictNote(unsubscribed)).toBe("Nothing was lost: master and slave1 have all 500 acknowledged writes.");
    expect(nodeOutcome(unsubscribed.nodes[2]!)).toBe("500 rows behind master: not subscribed to userpub");
  });

  it("with no publication on master either, lesson 4 comes first", () => {
    const bare = verdict(
      [master(500), lacking("slave1", 500, none), lacking("slave2", 500, none), lacking("slave3", 500, none)],
      { publication: false },
    );
    expect(verdictHeadline(bare)).toBe(
      "✗ slave1, slave2 and slave3 are not subscribed to userpub, so they never received these rows: " +
        "master has no publication userpub either; " +
        "lesson 4 creates it and lesson 5 the subscriptions (or use “Start this lesson from a known state” " +
        "at the top of lesson 6's page).",
    );
    expect(verdictNote(bare)).toBe("Nothing was lost: master has all 500 acknowledged writes.");
  });

  it("a disabled subscription is named with the statement that enables it", () => {
    const disabled = lacking("slave2", 1200, { state: "disabled", subscription: "usersub", errorsDuringRun: 0 });
    const run = verdict([master(1200), caughtUp("slave1", 1200), disabled, caughtUp("slave3", 1200)], {
      acknowledged: 1200,
    });
    expect(run.outcome).toBe("unreplicated");
    expect(verdictHeadline(run, (n) => n.toLocaleString("en-US"))).toBe(
      "✗ slave2's subscription is disabled, so it did not receive these rows: ALTER SUBSCRIPTION usersub " +
        "ENABLE on slave2 turns it back on " +
        "(or use “Start this lesson from a known state” at the top of lesson 6's page).",
    );
    expect(verdictNote(run, (n) => n.toLocaleString("en-US"))).toBe(
      "Nothing was lost: master, slave1 and slave3 have all 1,200 acknowledged writes.",
    );
    expect(nodeOutcome(disabled, (n) => n.toLocaleString("en-US"))).toBe(
      "1,200 rows behind master: subscription usersub is disabled",
    );
  });

  it("an apply worker that is not running is shown with its last error", () => {
    const error = 'ERROR: conflict detected on relation "public.users": conflict=insert_exists';
    const stopped = lacking("slave3", 499, {
      state: "stopped",
      subscription: "usersub3",
      errorsDuringRun: 4,
      lastError: error,
    });
    const run = verdict([master(500), caughtUp("slave1", 500), caughtUp("slave2", 500), stopped]);
    expect(run.outcome).toBe("unreplicated");
    expect(verdictHeadline(run)).toBe(
      "✗ slave3's subscription has no apply worker running, so it stopped applying changes: its last " +
        "error, below, says why " +
        "(lesson 7 shows the ways past an apply error).",
    );
    expect(verdictNote(run)).toBe("Nothing was lost: master, slave1 and slave2 have all 500 acknowledged writes.");
    expect(nodeOutcome(stopped)).toBe(
      `499 rows behind master: subscription usersub3 has no apply worker running (4 apply errors during ` +
        `the run); last error: ${error}`,
    );
  });

  it("with several kinds at once, says what lessons 4 and 5 set up, and the way to it, before what broke since", () => {
    const run = verdict(
      [
        master(1000),
        lacking("slave1", 999, {
          state: "stopped",
          subscription: "usersub",
          errorsDuringRun: 2,
          lastError: "ERROR: x",
        }),
        lacking("slave2", 1000, none),
        lacking("slave3", 1000, { state: "disabled", subscription: "usersub3", errorsDuringRun: 0 }),
      ],
      { acknowledged: 1000 },
    );
    expect(verdictHeadline(run)).toBe(
      "✗ slave2 is not subscribed to userpub, so it never received these rows: lesson 5 creates its subscription. " +
        "slave3's subscription is disabled, so it did not receive these rows: ALTER SUBSCRIPTION usersub3 " +
        "ENABLE on slave3 turns it back on " +
        "(or use “Start this lesson from a known state” at the top of lesson 6's page). " +
        "slave1's subscription has no apply worker running, so it stopped applying changes: its last error, " +
        "below, says why (lesson 7 shows the ways past an apply error).",
    );
    expect(verdictNote(run)).toBe("Nothing was lost: master has all 1000 acknowledged writes.");
  });

  it("says writes were lost only when a follower subscribed and streaming lacks them", () => {
    const streaming = lacking("slave1", 20, { state: "streaming", subscription: "usersub", errorsDuringRun: 0 });
    const run = verdict([master(500), streaming, lacking("slave2", 500, none), caughtUp("slave3", 500)]);
    expect(run.outcome).toBe("lost");
    expect(run.nothingLost).toBe(false);
    expect(verdictHeadline(run)).toBe(
      "✗ Writes lost: slave1 is subscribed to userpub and streaming, yet lacks acknowledged writes 30 s after the run.",
    );
    expect(verdictNote(run)).toBeUndefined();
    expect(nodeOutcome(streaming)).toBe(
      "20 rows behind master: subscribed (usersub) and streaming, yet not caught up within 30 s",
    );
  });

  it("says writes were lost when master lacks acknowledged rows", () => {
    const run = verdict([master(490), caughtUp("slave1", 490)]);
    expect(run.outcome).toBe("lost");
    expect(verdictHeadline(run)).toBe("✗ Writes lost: master gained 490 rows for 500 acknowledged writes.");
  });
});
