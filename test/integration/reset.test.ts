// A reset brings back a lab a lesson left halfway: not only the database, but what lives beside it.
import { describe, expect, it } from "vitest";
import { call, query } from "../support/bridge.ts";

async function value(node: "master" | "slave3", sql: string): Promise<string | null> {
  const response = await query(node, sql);
  if (response.error) throw new Error(`${node}: ${response.error.message}`);
  return response.results.at(-1)!.rows[0]?.[0] ?? null;
}

describe("a reset of the lab", () => {
  it("drops the roles and ALTER SYSTEM settings a lesson left, restarting a node whose setting needs it", async () => {
    // Lesson 9 stopped before its tidy-up, lesson 8 before it put the limit back, lesson 2 after its restart.
    await query(
      "master",
      "CREATE ROLE replicator LOGIN REPLICATION PASSWORD 'replicator'; GRANT SELECT ON pg_class TO replicator",
    );
    await query("master", "ALTER SYSTEM SET max_slot_wal_keep_size = '32MB'; SELECT pg_reload_conf()");
    await query("slave3", "ALTER SYSTEM SET max_wal_senders = 20");
    expect((await call("/api/lab/nodes/slave3/stop", {})).status).toBe(200);
    expect((await call("/api/lab/nodes/slave3/start", {})).status).toBe(200);
    expect(await value("slave3", "SHOW max_wal_senders")).toBe("20");
    const before = await value("slave3", "SELECT pg_postmaster_start_time()::text");

    const reset = await call("/api/lab/reset", {});
    expect(reset.status).toBe(200);
    expect(reset.json.nodes.map((node: { state: string }) => node.state)).toEqual(["up", "up", "up", "up"]);

    expect(await value("master", "SELECT count(*)::text FROM pg_roles WHERE rolname = 'replicator'")).toBe("0");
    expect(await value("master", "SHOW max_slot_wal_keep_size")).toBe("-1");
    expect(await value("slave3", "SHOW max_wal_senders")).toBe("10");
    expect(await value("slave3", "SELECT count(*)::text FROM pg_settings WHERE pending_restart")).toBe("0");
    expect(await value("slave3", "SELECT pg_postmaster_start_time()::text")).not.toBe(before);
    // A node with nothing waiting is not restarted.
    const masterStarted = await value("master", "SELECT pg_postmaster_start_time()::text");
    expect((await call("/api/lab/reset", {})).status).toBe(200);
    expect(await value("master", "SELECT pg_postmaster_start_time()::text")).toBe(masterStarted);
  });
});
