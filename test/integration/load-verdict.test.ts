// The load verdict tells lost writes from followers that never received them: a follower with no subscription
// to userpub, a disabled subscription, an apply worker that fails. Each case is made on the real lab, and each
// test then proves nothing was lost: once the follower subscribes, is enabled or is fixed, it has every row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadNodeOutcome, LoadState, NodeName } from "../../shared/api-types.ts";
import { verdictHeadline, verdictNote } from "../../shared/load-verdict.ts";
import { call, direct, nodeConninfo, query, waitFor } from "../support/bridge.ts";
import { counts, setUpReplication } from "../support/replication.ts";
import { pattern } from "../support/pattern.ts";

async function runLoad(requests: number, concurrency: number): Promise<Extract<LoadState, { phase: "done" }>> {
  expect((await call("/api/load", { requests, concurrency })).status).toBe(202);
  return waitFor(async () => {
    const state = (await call("/api/load")).json as LoadState;
    if (state.phase === "failed") throw new Error(state.error);
    return state.phase === "done" ? state : undefined;
  }, 90_000);
}

async function inSync(): Promise<void> {
  await waitFor(async () => {
    const now = await counts();
    return Object.values(now).every((n) => n === now["master"]);
  }, 30_000);
}

async function sql(node: NodeName, text: string): Promise<void> {
  const { error } = await query(node, text);
  expect(error, text).toBeUndefined();
}

const outcomeOf = (done: Extract<LoadState, { phase: "done" }>, name: NodeName): LoadNodeOutcome =>
  done.verdict.nodes.find((node) => node.name === name)!;

describe("the load verdict with followers that can't receive the rows", () => {
  beforeAll(setUpReplication, 60_000);
  // Other test files share the lab: leave it as lesson 5 does, every follower subscribed and in sync.
  afterAll(setUpReplication, 60_000);

  it(
    "a follower with no subscription to userpub never received the rows: " + "not subscribed, and nothing lost",
    async () => {
      await sql("slave2", "DROP SUBSCRIPTION sub_slave2");
      const done = await runLoad(300, 10);
      expect(done.summary.ok).toBe(300);
      const { verdict } = done;
      const headline = verdictHeadline(verdict);
      expect(headline).not.toContain("missing");
      expect(headline).toBe(
        "✗ slave2 is not subscribed to userpub, so it never received these rows: lesson 5 creates its subscription " +
          "(or use “Start this lesson from a known state” at the top of lesson 6's page).",
      );
      expect(verdictNote(verdict)).toBe(
        "Nothing was lost: master, slave1 and slave3 have all 300 acknowledged writes.",
      );
      expect(verdict.nothingLost).toBe(true);
      expect(verdict.outcome).toBe("unreplicated");
      expect(outcomeOf(done, "slave2")).toMatchObject({
        state: "up",
        gained: 0,
        caughtUpMs: null,
        behind: 300,
        link: { state: "none" },
      });
      for (const name of ["master", "slave1", "slave3"] as const) expect(outcomeOf(done, name).gained, name).toBe(300);
      expect(outcomeOf(done, "slave1").link).toMatchObject({
        state: "streaming",
        subscription: "sub_slave1",
        errorsDuringRun: 0,
      });
      // And nothing was: subscribed again, slave2 copies the table and has every row master has.
      await sql("slave2", "TRUNCATE users");
      await sql(
        "slave2",
        `CREATE SUBSCRIPTION sub_slave2 CONNECTION '${await nodeConninfo("master")}' PUBLICATION userpub`,
      );
      await inSync();
    },
    120_000,
  );

  it("a disabled subscription is named as disabled, and once enabled its follower catches up", async () => {
    await sql("slave3", "ALTER SUBSCRIPTION sub_slave3 DISABLE");
    const before = await counts();
    const done = await runLoad(300, 10);
    const { verdict } = done;
    expect(verdict.outcome).toBe("unreplicated");
    expect(outcomeOf(done, "slave3")).toMatchObject({
      gained: 0,
      caughtUpMs: null,
      link: { state: "disabled", subscription: "sub_slave3" },
    });
    expect(verdictHeadline(verdict)).toMatch(
      pattern(
        String.raw`^✗ slave3's subscription is disabled, so it did not receive these rows: ALTER `,
        String.raw`SUBSCRIPTION sub_slave3 ENABLE on slave3 turns it back on \(or use .*\)\.$`,
      ),
    );
    expect(verdictNote(verdict)).toBe("Nothing was lost: master, slave1 and slave2 have all 300 acknowledged writes.");
    await sql("slave3", "ALTER SUBSCRIPTION sub_slave3 ENABLE");
    await waitFor(async () => (await counts(["slave3"]))["slave3"] === before["slave3"]! + 300, 30_000);
  }, 120_000);

  it("an apply worker that fails on a conflict is named with the error its server logged", async () => {
    await inSync();
    // A row on slave1 with the id master gives next: applying master's row fails on the primary key.
    const next = (await direct<{ next: string }>("master", "SELECT last_value + 1 AS next FROM users_id_seq"))[0]!.next;
    await direct("slave1", "INSERT INTO users (id, name, email) VALUES ($1, 'in the way', 'way@example.com')", [next]);
    const done = await runLoad(200, 10);
    const slave1 = outcomeOf(done, "slave1");
    expect(done.verdict.outcome).toBe("unreplicated");
    expect(["stopped", "failing"]).toContain(slave1.link?.state);
    expect(slave1.link?.errorsDuringRun).toBeGreaterThan(0);
    expect(slave1.link?.lastError).toBe('ERROR: conflict detected on relation "public.users": conflict=insert_exists');
    expect(verdictHeadline(done.verdict)).toMatch(
      pattern(
        String.raw`^✗ slave1's (subscription has no apply worker running|apply worker failed during the `,
        String.raw`run), so it stopped applying changes: its last error, below, says why`,
      ),
    );
    // Out of the way, the worker applies everything master has: nothing was lost.
    await direct("slave1", "DELETE FROM users WHERE id = $1", [next]);
    await inSync();
  }, 120_000);

  it("with every follower subscribed and streaming, nothing lost and every node has the rows", async () => {
    await inSync();
    const done = await runLoad(300, 10);
    expect(done.verdict.outcome).toBe("replicated");
    expect(verdictHeadline(done.verdict)).toBe("✓ Nothing lost: 300 acknowledged writes, and every node has them.");
    for (const node of done.verdict.nodes.filter((n) => n.name !== "master"))
      expect(node.link, node.name).toMatchObject({ state: "streaming" });
  }, 120_000);
});
