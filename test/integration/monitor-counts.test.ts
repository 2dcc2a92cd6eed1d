// The live monitor's counts of users are kept by key rather than by count(*) on every sample (issue 15): they
// must stay exact on a big table whatever is done to it: inserts committed out of id order, a transaction that
// holds a low id open while later ids settle, deletes, an UPDATE that moves ids, a TRUNCATE.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { NodeName } from "../../shared/api-types.ts";
import { RowCount, SETTLE_AFTER_MS } from "../../server/monitor/row-count.ts";
import { direct, nodeLogin, rawRequest, waitFor } from "../support/bridge.ts";
import { monitorSample } from "../support/monitor-feed.ts";
import { counts, setUpReplication } from "../support/replication.ts";

const BIG = 200_000;
const trueCount = async (node: NodeName) =>
  Number((await direct<{ n: string }>(node, "SELECT count(*) AS n FROM users"))[0]!.n);

const post = (i: number) =>
  rawRequest({
    path: "/async-users",
    method: "POST",
    headers: { Host: `127.0.0.1:${inject("bridgePort")}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: `user ${i}`, email: `monitor-${i}@counts.example` }),
  });

/** Every follower holds what master holds. */
const inSync = () =>
  waitFor(async () => {
    const now = await counts();
    return Object.values(now).every((n) => n === now["master"]) ? now : undefined;
  }, 60_000);

describe("the monitor's counts on a big table", () => {
  const pools = new Map<NodeName, pg.Pool>();
  const pool = (node: NodeName) => {
    if (!pools.has(node)) pools.set(node, new pg.Pool({ ...nodeLogin(node), max: 2 }));
    return pools.get(node)!;
  };

  beforeAll(async () => {
    await setUpReplication();
    await direct(
      "master",
      `INSERT INTO users (name, email) SELECT 'bulk ' || i, 'bulk-' || i || '@counts.example' ` +
        `FROM generate_series(1, ${BIG}) AS i`,
    );
    await inSync();
  }, 180_000);
  afterAll(async () => Promise.all([...pools.values()].map((p) => p.end())));

  it("count exactly what count(*) counts, on master and a follower, as the table changes", async () => {
    const master = new RowCount();
    const slave1 = new RowCount();
    // The same with a recount of the whole table on every sample: a recount keeps the settled id it had.
    const recounting = new RowCount(0);
    const exactNow = async () => {
      const exact = await trueCount("master");
      expect(await master.count(pool("master"))).toBe(exact);
      expect(await recounting.count(pool("master"))).toBe(exact);
    };
    const followerExact = () =>
      waitFor(async () => (await slave1.count(pool("slave1"))) === (await trueCount("slave1")), 30_000);
    await exactNow();
    await followerExact();

    // Concurrent writes through the API server commit in groups, out of id order; the count keeps up.
    for (let burst = 0; burst < 5; burst++) {
      await Promise.all(Array.from({ length: 200 }, (_, i) => post(burst * 1000 + i)));
      await exactNow();
    }

    // A transaction takes a low id and stays open while later ids are written and outlive the settling delay.
    const open = await pool("master").connect();
    try {
      await open.query("BEGIN");
      await open.query("INSERT INTO users (name, email) VALUES ('slow', 'slow@counts.example')");
      const later = await pool("master").query(
        "INSERT INTO users (name, email) SELECT 'later', 'later-' || i || '@counts.example' " +
          "FROM generate_series(1, 100) i",
      );
      expect(later.rowCount).toBe(100);
      const until = Date.now() + SETTLE_AFTER_MS * 2.5;
      while (Date.now() < until) {
        await exactNow();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await open.query("COMMIT");
    } finally {
      open.release();
    }
    await exactNow();
    await inSync();
    await followerExact();

    // Deletes and an UPDATE that moves ids are seen through the table's statistics (published within a second
    // of the commit): the count starts over from the whole table.
    await direct("master", "DELETE FROM users WHERE id % 7 = 0");
    await waitFor(async () => (await master.count(pool("master"))) === (await trueCount("master")), 30_000);
    await direct("master", "UPDATE users SET id = -id WHERE id < 1000");
    await direct("master", "DELETE FROM users WHERE id < -500");
    await waitFor(async () => (await master.count(pool("master"))) === (await trueCount("master")), 30_000);
    await inSync();
    await followerExact();

    // All rows deleted and the sequence set back: the ids seen before come again, and must count.
    await direct("master", "DELETE FROM users");
    await direct("master", "SELECT setval('users_id_seq', 1, false)");
    await waitFor(async () => (await master.count(pool("master"))) === 0, 30_000);
    await direct(
      "master",
      "INSERT INTO users (name, email) SELECT 'again', 'again@counts.example' FROM generate_series(1, 50)",
    );
    await new Promise((resolve) => setTimeout(resolve, SETTLE_AFTER_MS * 1.5));
    await exactNow();
    await direct("master", "INSERT INTO users (name, email) VALUES ('once more', 'more@counts.example')");
    await exactNow();

    // TRUNCATE gives the table a new file: seen at once.
    await direct("master", "TRUNCATE users");
    expect(await master.count(pool("master"))).toBe(0);
    await inSync();
    await followerExact();
    expect(await slave1.count(pool("slave1"))).toBe(0);
  }, 180_000);

  it("the live monitor's samples hold every node's exact count", async () => {
    await Promise.all(Array.from({ length: 300 }, (_, i) => post(10_000 + i)));
    const expected = await inSync();
    const sample = await waitFor(async () => {
      const found = await monitorSample();
      return found.nodes.every((node) => node.count === expected[node.name]) ? found : undefined;
    }, 30_000);
    expect(sample.nodes.map((node) => node.count)).toEqual(Object.values(expected));
  }, 120_000);

  it("count a table made again while the monitor sat idle past a recount, its ids starting below S", async () => {
    // A recount due every 1.5 s, whatever it costs: the count after an idle spell is a whole recount.
    const RECOUNT_MS = 1500;
    const master = new RowCount(RECOUNT_MS, 0);
    const idle = () => new Promise((resolve) => setTimeout(resolve, RECOUNT_MS + 200));
    await direct("master", "DROP TABLE users");
    await direct("master", "CREATE TABLE users (id serial PRIMARY KEY, name text)");
    await direct("master", "INSERT INTO users (name) SELECT 'u' || i FROM generate_series(1, 100) i");
    expect(await master.count(pool("master"))).toBe(100);
    await idle();
    // Id 100, seen long enough ago, settles: the rows at or below it are counted once.
    expect(await master.count(pool("master"))).toBe(100);
    await idle();
    // A lesson's reset makes the table again: its ids start at 1, far below the settled 100.
    await direct("master", "DROP TABLE users");
    await direct("master", "CREATE TABLE users (id serial PRIMARY KEY, name text)");
    await direct("master", "INSERT INTO users (name) SELECT 'u' || i FROM generate_series(1, 10) i");
    expect(await master.count(pool("master"))).toBe(10);
    await direct("master", "INSERT INTO users (name) SELECT 'v' || i FROM generate_series(1, 5) i");
    expect(await master.count(pool("master"))).toBe(15);
  });

  it("count a users table without an integer id (a learner's own) with count(*), and one made again", async () => {
    const master = new RowCount();
    await direct("master", "DROP TABLE users");
    await direct("master", "CREATE TABLE users (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text)");
    await direct("master", "INSERT INTO users (name) SELECT 'u' || i FROM generate_series(1, 25) i");
    expect(await master.count(pool("master"))).toBe(25);
    await direct("master", "DROP TABLE users");
    await direct("master", "CREATE TABLE users (name text)");
    await direct("master", "INSERT INTO users (name) SELECT 'u' || i FROM generate_series(1, 7) i");
    expect(await master.count(pool("master"))).toBe(7);
    await direct("master", "DROP TABLE users");
    await expect(master.count(pool("master"))).rejects.toMatchObject({ code: "42P01" });
    await direct("master", "CREATE TABLE users (id serial PRIMARY KEY, name text)");
    await direct("master", "INSERT INTO users (name) SELECT 'u' || i FROM generate_series(1, 3) i");
    expect(await master.count(pool("master"))).toBe(3);
  });
});
