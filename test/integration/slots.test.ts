import { beforeAll, describe, expect, it } from "vitest";
import { call, direct, query, waitFor } from "../support/bridge.ts";
import { counts, setUpReplication } from "../support/replication.ts";

const slot = async (name: string) =>
  (
    await direct<{ active: boolean; lag: string; retained: string }>(
      "master",
      `SELECT active, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) AS lag,
              pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) AS retained
       FROM pg_replication_slots WHERE slot_name = $1`,
      [name],
    )
  )[0]!;

describe("a follower that is down, and its slot", () => {
  beforeAll(setUpReplication, 60_000);

  it(
    "keeps master and the other followers working; its slot holds WAL while it is down, and lets go " +
      "after it catches up",
    async () => {
      expect((await call("/api/lab/nodes/slave2/stop", {})).json.state).toBe("down");
      try {
        const before = await slot("sub_slave2");
        expect(before.active).toBe(false);
        for (let round = 0; round < 3; round++) {
          const { error } = await query(
            "master",
            "INSERT INTO users (name, email) SELECT 'while down', 'down@example.com' FROM generate_series(1, 500)",
          );
          expect(error).toBeUndefined();
        }
        const during = await slot("sub_slave2");
        expect(Number(during.retained)).toBeGreaterThan(Number(before.retained));
        expect(Number(during.lag)).toBeGreaterThan(Number(before.lag));
        // The others carry on: same rows on master, slave1 and slave3.
        await waitFor(async () => {
          const now = await counts(["master", "slave1", "slave3"]);
          return now["master"] === 1500 && now["slave1"] === 1500 && now["slave3"] === 1500;
        }, 30_000);
      } finally {
        expect((await call("/api/lab/nodes/slave2/start", {})).json.state).toBe("up");
      }
      await waitFor(async () => (await counts())["slave2"] === 1500, 30_000);
      await waitFor(async () => {
        const after = await slot("sub_slave2");
        return after.active && Number(after.lag) === 0;
      }, 30_000);
    },
    90_000,
  );
});

describe("a second server on master's data folder", () => {
  it("is refused by the lock file, and master is untouched", async () => {
    const [before] = await direct<{ started: string; users: string; pid: number }>(
      "master",
      "SELECT pg_postmaster_start_time()::text AS started, (SELECT count(*) FROM users) AS users, " +
        "(pg_control_system()).pg_control_version AS pid",
    );
    const { status, json } = await call("/api/lab/nodes/master/second-postmaster", {});
    expect(status).toBe(200);
    expect(json.refused).toBe(true);
    expect(json.output).toContain('FATAL:  lock file "postmaster.pid" already exists');
    expect(json.output).toMatch(/HINT:  Is another postmaster \(PID \d+\) running in data directory ".*master"\?/);
    const [after] = await direct(
      "master",
      "SELECT pg_postmaster_start_time()::text AS started, (SELECT count(*) FROM users) AS users, " +
        "(pg_control_system()).pg_control_version AS pid",
    );
    expect(after).toEqual(before);
    expect((await call("/api/lab")).json.nodes[0].state).toBe("up");
  });

  it("is refused for a node that is stopped, rather than started for real", async () => {
    await call("/api/lab/nodes/slave3/stop", {});
    try {
      const { status, json } = await call("/api/lab/nodes/slave3/second-postmaster", {});
      expect(status).toBe(409);
      expect(json.error.message).toContain("start it first");
      expect(json.error.code).toBe("LAB01");
    } finally {
      await call("/api/lab/nodes/slave3/start", {});
    }
  });
});

describe("a node's server log", () => {
  it("shows the last lines, filtered as plain text, and refuses a filter too long", async () => {
    await query("slave1", "DO $$ BEGIN RAISE LOG 'a line for the log test'; END $$");
    const { json } = await call("/api/lab/nodes/slave1/log?match=log%20test&lines=5");
    expect(json.lines.length).toBeGreaterThan(0);
    expect(json.lines.at(-1)).toContain("a line for the log test");
    // The filter is plain text: a "(" is a character to look for, not a broken regular expression.
    expect((await call("/api/lab/nodes/slave1/log?match=(")).status).toBe(200);
    expect((await call(`/api/lab/nodes/slave1/log?match=${"x".repeat(101)}`)).status).toBe(400);
  });
});
