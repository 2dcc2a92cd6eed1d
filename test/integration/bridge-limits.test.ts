// What no query, pattern or URL may do to the bridge: crash it, grow it without bound, block its event loop,
// leave work running on a server it gave up on, or lock Cancel out of a busy node (issue 10, items 1-4 and 10).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { ServerMessage } from "../../shared/console-protocol.ts";
import { call, direct, query, waitFor } from "../support/bridge.ts";
import { CHILD_TOKEN, startChildBridge, type ChildBridge } from "../support/child-bridge.ts";

const MB = 1024 * 1024;

/** What the bridge may grow by over its resting size while answering any one result (README, "Limits"). */
const GROWTH_BOUND = 200 * MB;

describe("one result can't take the bridge down or grow it without bound", () => {
  let bridge: ChildBridge;
  beforeAll(async () => {
    bridge = await startChildBridge();
    // Warm up the paths the hostile queries take, so that the baseline holds what any query costs.
    expect(
      (
        await bridge.call("/api/query", {
          node: "slave1",
          sql: "SELECT repeat('x', 1000) FROM generate_series(1, 100)",
        })
      ).status,
    ).toBe(200);
  }, 90_000);
  afterAll(async () => {
    await bridge?.stop();
  });

  it("answers a single 600 MB value with a clear error, and stays small", async () => {
    const before = await bridge.peakRss();
    const { status, json } = await bridge.call("/api/query", {
      node: "slave1",
      sql: "SELECT repeat('x', 600000000) AS big",
    });
    expect(bridge.exited()).toBeNull();
    expect(status).toBe(200);
    expect(json.error).toMatchObject({ code: "LAB05" });
    expect(json.error.message).toContain("larger than the bridge's limit");
    const peak = await bridge.peakRss();
    console.log(
      `peak RSS with a 600 MB value: ${(peak / MB).toFixed(0)} MB (resting peak ${(before / MB).toFixed(0)} MB)`,
    );
    expect(peak - before).toBeLessThan(GROWTH_BOUND);
    // The connection it used is fine for the next cell.
    expect((await bridge.call("/api/query", { node: "slave1", sql: "SELECT 1 AS one" })).json.results[0].rows).toEqual([
      ["1"],
    ]);
  }, 120_000);

  it("cuts a many-row result by bytes in a cell, and stops the server sending the rest", async () => {
    const before = await bridge.peakRss();
    const sql = "SELECT repeat('x', 300000) AS wide, n FROM generate_series(1, 1000) AS n /* wide-rows */";
    const { json } = await bridge.call("/api/query", { node: "slave1", sql });
    expect(bridge.exited()).toBeNull();
    const kept = json.results[0];
    const answer = kept ?? json.error;
    if (json.error) expect(json.error.code).toBe("LAB05");
    else expect(kept.truncated).toBe(true);
    expect(answer).toBeTruthy();
    expect((await bridge.peakRss()) - before).toBeLessThan(GROWTH_BOUND);
    const active =
      "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%wide-rows%' AND state = 'active' AND pid <> pg_backend_pid()";
    expect(await direct("slave1", active)).toHaveLength(0);
  }, 120_000);

  it("cuts a many-row result by bytes in the console too, and the session goes on", async () => {
    const before = await bridge.peakRss();
    const socket = new WebSocket(`${bridge.url.replace("http", "ws")}/api/console?token=${CHILD_TOKEN}&node=slave1`, {
      headers: { Origin: bridge.url },
    });
    let output = "";
    let readies = 0;
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === "output") output += message.text;
      if (message.type === "ready") readies++;
    });
    socket.on("error", () => {});
    await waitFor(async () => readies > 0);
    socket.send(JSON.stringify({ type: "line", text: "select repeat('x',300000) from generate_series(1,1000);" }));
    await waitFor(async () => readies > 1 || bridge.exited() !== null, 90_000);
    expect(bridge.exited()).toBeNull();
    expect(output).toMatch(/larger than the bridge's limit|limit of \d+ MB/);
    expect((await bridge.peakRss()) - before).toBeLessThan(GROWTH_BOUND);
    const start = output.length;
    socket.send(JSON.stringify({ type: "line", text: "select 41 + 1 as answer;" }));
    await waitFor(async () => readies > 2);
    expect(output.slice(start)).toContain("42");
    socket.close();
  }, 120_000);
});

describe("no request prints a stack trace, and a malformed URL is the caller's mistake", () => {
  let bridge: ChildBridge;
  beforeAll(async () => {
    bridge = await startChildBridge();
  }, 90_000);
  afterAll(async () => {
    await bridge?.stop();
  });

  it("answers a malformed URL with 400, and prints no stack trace", async () => {
    for (const path of ["/%E0%A4%A", "/api/lab/nodes/%E0%A4%A/log", "/lessons/%ZZ/"]) {
      const response = await fetch(`${bridge.url}${path}`, { headers: { Authorization: `Bearer ${CHILD_TOKEN}` } });
      expect(response.status, path).toBe(400);
    }
    // Give the bridge a moment to print whatever it was going to.
    await bridge.call("/api/lab");
    expect(bridge.stderr()).not.toMatch(/\n\s+at /);
    expect(bridge.exited()).toBeNull();
  });
});

describe("the log endpoint can't block the event loop", () => {
  it("matches plainly: a catastrophic regular expression costs nothing", async () => {
    // A line of 30 a's and a quote: `(a+)+$` as a regular expression would backtrack 2^30 times over it.
    const { error } = await query("slave3", `SELECT '${"a".repeat(30)}'::int`);
    expect(error?.code).toBe("22P02");
    const path = `/api/lab/nodes/slave3/log?lines=5&match=${encodeURIComponent("(a+)+$")}`;
    const log = call(path);
    // While it answers, the bridge answers others.
    const other = await call("/api/lab");
    expect(other.status).toBe(200);
    const { status, json } = await log;
    expect(status).toBe(200);
    expect(json.lines).toEqual([]);
    // Plain text finds the line; `|` still separates alternatives, as the lessons' <ServerLog match="..."> use it.
    const found = await call(
      `/api/lab/nodes/slave3/log?lines=5&match=${encodeURIComponent(`nothing-like-this|"${"a".repeat(30)}"`)}`,
    );
    expect(found.json.lines.some((line: string) => line.includes("invalid input syntax for type integer"))).toBe(true);
  });

  it("has PostgreSQL write its log to a file, not to a pipe the bridge must drain", async () => {
    const [row] = await direct<{ pid: number }>(
      "slave3",
      "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'",
    );
    const { readlink } = await import("node:fs/promises");
    const target = await readlink(`/proc/${row!.pid}/fd/2`);
    expect(target).toMatch(/slave3\.log$/);
  });
});

describe("a query the bridge gives up on ends on the server too", () => {
  const sleepers = "SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(300)%' AND pid <> pg_backend_pid()";
  afterAll(async () => {
    await direct("slave3", `SELECT pg_terminate_backend(pid) FROM (${sleepers}) AS s`);
  });

  it("cancels, then terminates, so that repeating it never exhausts the node's connections", async () => {
    // More than the pool's 10 connections, in two waves.
    for (const wave of [10, 2]) {
      const answers = await Promise.all(
        Array.from({ length: wave }, () => query("slave3", "SET statement_timeout = 0; SELECT pg_sleep(300)")),
      );
      for (const answer of answers) expect(answer.error?.code).toBe("LAB03");
    }
    await waitFor(async () => (await direct("slave3", sleepers)).length === 0, 10_000);
    expect((await query("slave3", "SELECT 1 AS one")).results[0]?.rows).toEqual([["1"]]);
  }, 120_000);
});

describe("Cancel doesn't wait for the pool it cancels", () => {
  // The tests' statement_timeout is 3 s: these cells lift it, and stay under the bridge's 8 s watchdog.
  const sleeping = (seconds: number) =>
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(${seconds})' AND state = 'active'`;
  const sleep = (seconds: number) => `SET statement_timeout = 0; SELECT pg_sleep(${seconds})`;

  it("answers LAB04 when every connection to the node is busy", async () => {
    const cells = Array.from({ length: 10 }, () => query("slave2", sleep(7)));
    await waitFor(async () => (await direct<{ n: number }>("slave2", sleeping(7)))[0]!.n === 10, 10_000);
    const busy = await query("slave2", "SELECT 1");
    expect(busy.error).toMatchObject({
      code: "LAB04",
      message: `all 10 of the bridge's connections to "slave2" are busy`,
    });
    for (const cell of await Promise.all(cells)) expect(cell.error).toBeUndefined();
  }, 60_000);

  it("cancels cells on a node whose connections are all busy, at once", async () => {
    const ids = Array.from({ length: 10 }, () => randomUUID());
    const cells = ids.map((id) => query("slave2", sleep(20), id));
    await waitFor(async () => (await direct<{ n: number }>("slave2", sleeping(20)))[0]!.n === 10, 10_000);
    // An eleventh cell waits for a connection: the pool is full while the cancels go out.
    const waiting = query("slave2", "SELECT 1 AS one");
    const started = performance.now();
    const cancels = await Promise.all(ids.map((id) => call("/api/cancel", { id })));
    const cancelMs = performance.now() - started;
    for (const [i, cancel] of cancels.entries()) expect(cancel.json).toEqual({ id: ids[i], cancelled: true });
    for (const cell of await Promise.all(cells))
      expect(cell.error).toMatchObject({ code: "57014", message: "canceling statement due to user request" });
    console.log(`10 cancels with the pool full took ${cancelMs.toFixed(0)} ms`);
    expect((await waiting).results[0]?.rows).toEqual([["1"]]);
    expect(await direct<{ n: number }>("slave2", sleeping(20))).toEqual([{ n: 0 }]);
  }, 60_000);
});
