import { afterAll, describe, expect, it } from "vitest";
import { NODE_NAMES, type NodeStatus } from "../../shared/api-types.ts";
import { call, direct, query, waitFor } from "../support/bridge.ts";

describe("the lab's nodes through the bridge", () => {
  afterAll(async () => {
    await call("/api/lab/nodes/slave2/start", {});
  });

  it("reports four nodes up, with version, port and wal_level", async () => {
    const { status, json } = await call("/api/lab");
    expect(status).toBe(200);
    expect(json.mode).toBe("embedded");
    expect(json.nodes.map((n: NodeStatus) => [n.name, n.state, n.walLevel])).toEqual([
      ["master", "up", "logical"],
      ["slave1", "up", "logical"],
      ["slave2", "up", "logical"],
      ["slave3", "up", "logical"],
    ]);
    for (const node of json.nodes as NodeStatus[]) expect(node.version).toMatch(/^18\./);
    expect(new Set(json.nodes.map((n: NodeStatus) => n.port)).size).toBe(4);
  });

  it("has the walkthrough's database on every node", async () => {
    for (const node of NODE_NAMES) {
      const { results } = await query(node, "SELECT current_database(), current_user");
      expect(results[0]?.rows).toEqual([["replication", "postgres"]]);
    }
  });

  it("a cell on a stopped node gets a 'node slave2 is down' error, and the other nodes keep working", async () => {
    // Leave an idle pooled connection on slave2, so stopping it exercises the pool's error path too.
    await query("slave2", "SELECT 1");
    const stopped = await call("/api/lab/nodes/slave2/stop", {});
    expect(stopped.json.state).toBe("down");
    const { results, error } = await query("slave2", "SELECT 1");
    expect(results).toEqual([]);
    expect(error).toMatchObject({ code: "LAB01", message: 'node "slave2" is down', node: "slave2" });
    for (const node of ["master", "slave1", "slave3"] as const) {
      expect((await query(node, "SELECT 1")).error).toBeUndefined();
    }
    const lab = await call("/api/lab");
    expect(lab.json.nodes.find((n: NodeStatus) => n.name === "slave2").state).toBe("down");
  });

  it("reconnects when the node comes back, with its data", async () => {
    await direct("master", "SELECT 1");
    const started = await call("/api/lab/nodes/slave2/start", {});
    expect(started.json.state).toBe("up");
    const { results, error } = await query("slave2", "SELECT 1 AS back");
    expect(error).toBeUndefined();
    expect(results[0]?.rows).toEqual([["1"]]);
  });

  it("a node killed under a running query ends that query with a node-down error, not a crash", async () => {
    const running = query("slave1", "SELECT pg_sleep(10) /* killed under */");
    // Stop the node only once the statement runs on it: stopped earlier, the cell would meet a node already down.
    const active =
      "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%killed under%' AND state = 'active' AND pid <> " +
      "pg_backend_pid()";
    await waitFor(async () => (await direct("slave1", active)).length === 1);
    await call("/api/lab/nodes/slave1/stop", {});
    const { error } = await running;
    expect(error?.code).toBe("LAB01");
    expect(error?.detail).toBeTruthy();
    await call("/api/lab/nodes/slave1/start", {});
    expect((await query("slave1", "SELECT 1")).error).toBeUndefined();
  });

  it(
    "a node that stops answering mid-statement gets a " + "clear error after the deadline, and the bridge goes on",
    async () => {
      await query("slave3", "SELECT 1");
      const backends = await direct<{ pid: number }>(
        "slave3",
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'replication-lab bridge'",
      );
      expect(backends.length).toBeGreaterThan(0);
      // Freeze the bridge's idle connections on slave3: the server can't even apply statement_timeout now.
      for (const { pid } of backends) process.kill(pid, "SIGSTOP");
      try {
        const { error } = await query("slave3", "SELECT 1");
        expect(error).toMatchObject({ code: "LAB03", node: "slave3" });
        expect(error?.message).toMatch(/^node "slave3" stopped answering: no reply within \d+ s$/);
        expect((await query("master", "SELECT 1")).error).toBeUndefined();
      } finally {
        for (const { pid } of backends) process.kill(pid, "SIGCONT");
      }
      expect((await query("slave3", "SELECT 2")).results[0]?.rows).toEqual([["2"]]);
    },
  );

  it("streams node states as server-sent events", async () => {
    const controller = new AbortController();
    const { inject } = await import("vitest");
    const response = await fetch(`${inject("bridgeUrl")}/api/events?token=${inject("token")}`, {
      signal: controller.signal,
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.getReader();
    const { value } = await reader.read();
    const text = new TextDecoder().decode(value);
    expect(text).toMatch(/^event: lab\ndata: \{"mode":"embedded"/);
    controller.abort();
  });

  it("refuses an unknown node or action", async () => {
    expect((await call("/api/lab/nodes/slave7/stop", {})).status).toBe(404);
    expect((await call("/api/lab/nodes/slave2/explode", {})).status).toBe(404);
  });
});
