import { beforeAll, describe, expect, inject, it } from "vitest";
import { FOLLOWERS, type LoadState } from "../../shared/api-types.ts";
import { call, direct, rawRequest, waitFor } from "../support/bridge.ts";
import { counts, setUpReplication } from "../support/replication.ts";

const post = (body: string, headers: Record<string, string> = { "Content-Type": "application/json" }) =>
  rawRequest({
    path: "/async-users",
    method: "POST",
    headers: { Host: `127.0.0.1:${inject("bridgePort")}`, ...headers },
    body,
  });

/** Every follower holds what master holds: a run's "rows gained" is only comparable from there. */
async function inSync(): Promise<Record<string, number>> {
  return waitFor(async () => {
    const now = await counts();
    return Object.values(now).every((n) => n === now["master"]) ? now : undefined;
  }, 30_000);
}

async function runLoad(
  requests: number,
  concurrency: number,
  during?: (state: LoadState) => Promise<void>,
): Promise<Extract<LoadState, { phase: "done" }>> {
  const started = await call("/api/load", { requests, concurrency });
  expect(started.status).toBe(202);
  let acted = false;
  return waitFor(async () => {
    const { json } = await call("/api/load");
    const state = json as LoadState;
    if (state.phase === "failed") throw new Error(state.error);
    if (process.env["DEBUG_LOAD"]) console.log(JSON.stringify(state).slice(0, 200));
    if (during && !acted && state.phase === "running" && state.progress.done > requests / 4) {
      acted = true;
      await during(state);
    }
    return state.phase === "done" ? state : undefined;
  }, 120_000);
}

describe("POST /async-users before there is a table", () => {
  it("answers 409 with what to do, and acknowledges nothing", async () => {
    expect((await call("/api/lab/reset", {})).status).toBe(200);
    const { status, body } = await post(JSON.stringify({ name: "Ada", email: "ada@example.com" }));
    expect(status).toBe(409);
    expect(JSON.parse(body).error.message).toContain("lesson 3");
  });
});

describe("the load run and the API server", () => {
  beforeAll(setUpReplication, 60_000);

  it("writes one user, answers 201 with its id once committed", async () => {
    const { status, body } = await post(JSON.stringify({ name: "Ada", email: "ada@example.com" }));
    expect(status).toBe(201);
    const { id } = JSON.parse(body);
    expect(await direct("master", "SELECT name, email FROM users WHERE id = $1", [id])).toEqual([
      { name: "Ada", email: "ada@example.com" },
    ]);
  });

  it("refuses bad bodies with 4xx and a reason, and inserts nothing", async () => {
    const before = (await counts())["master"];
    const cases: [string, Record<string, string> | undefined, number, string][] = [
      ["{not json", undefined, 400, "not valid JSON"],
      [JSON.stringify({ name: "Ada" }), undefined, 400, "email: expected a string, got nothing."],
      [JSON.stringify({ email: "ada@example.com" }), undefined, 400, "name: expected a string, got nothing."],
      [
        JSON.stringify({ name: 42, email: "ada@example.com" }),
        undefined,
        400,
        "name: expected a string, got a number.",
      ],
      [JSON.stringify({ name: "Ada", email: ["a@b.c"] }), undefined, 400, "email: expected a string, got an array."],
      [JSON.stringify({ name: "Ada", email: "not-an-email" }), undefined, 400, "email: expected an email address."],
      [JSON.stringify({ name: " ", email: "ada@example.com" }), undefined, 400, "name: expected a name, got only"],
      [
        JSON.stringify({ name: "A".repeat(201), email: "a@b.c" }),
        undefined,
        400,
        "name: expected at most 200 characters",
      ],
      [JSON.stringify(["Ada", "ada@example.com"]), undefined, 400, "body: expected a JSON object, got an array."],
      [JSON.stringify(null), undefined, 400, "body: expected a JSON object, got null."],
      [
        JSON.stringify({ name: "Ada", email: "ada@example.com", admin: true }),
        undefined,
        400,
        "admin: not an expected",
      ],
      [JSON.stringify({ name: "Ada", email: "ada@example.com", pad: "x".repeat(3000) }), undefined, 400, "pad: not an"],
      [JSON.stringify({ name: "x".repeat(10_000), email: "ada@example.com" }), undefined, 413, "larger than"],
      [JSON.stringify({ name: "Ada", email: "ada@example.com" }), { "Content-Type": "text/plain" }, 415, "JSON"],
      [
        JSON.stringify({ name: "Ada", email: "ada@example.com" }),
        { "Content-Type": "application/json", Origin: "http://evil.example" },
        403,
        "evil.example",
      ],
    ];
    for (const [body, headers, status, reason] of cases) {
      const answer = await post(body, headers);
      expect(answer.status, body.slice(0, 60)).toBe(status);
      const { error } = JSON.parse(answer.body);
      expect(error.message).toContain(reason);
      // A body that doesn't fit the schema is the caller's mistake, with the code every such refusal has.
      if (reason.includes(": ")) expect(error.code, body.slice(0, 60)).toBe("LAB08");
    }
    expect((await counts())["master"]).toBe(before);
  });

  it("answers 503 while master is down, and writes again when it is back", async () => {
    await call("/api/lab/nodes/master/stop", {});
    try {
      const { status, body } = await post(JSON.stringify({ name: "Ada", email: "ada@example.com" }));
      expect(status).toBe(503);
      expect(JSON.parse(body).error.message).toBe("master is down: the user was not written.");
    } finally {
      await call("/api/lab/nodes/master/start", {});
    }
    expect((await post(JSON.stringify({ name: "Back", email: "back@example.com" }))).status).toBe(201);
  });

  it("10,000 requests at concurrency 50: 10,000 rows on every node, no errors", async () => {
    const before = await inSync();
    const done = await runLoad(10_000, 50);
    expect(done.summary).toMatchObject({ requests: 10_000, ok: 10_000, errors: {} });
    expect(done.verdict.acknowledged).toBe(10_000);
    expect(done.verdict.nothingLost).toBe(true);
    for (const node of done.verdict.nodes) {
      expect(node.gained, node.name).toBe(10_000);
      if (node.name !== "master") expect(node.caughtUpMs, node.name).not.toBeNull();
    }
    const after = await counts();
    for (const node of Object.keys(after)) expect(after[node]! - before[node]!, node).toBe(10_000);
  }, 120_000);

  it(
    "with slave2 stopped during the run and started after it, " + "still 10,000 everywhere once it catches up",
    async () => {
      const before = await inSync();
      const done = await runLoad(10_000, 50, async () => {
        const stopped = await call("/api/lab/nodes/slave2/stop", {});
        expect(stopped.json.state).toBe("down");
      });
      expect(done.summary.ok).toBe(10_000);
      const slave2 = done.verdict.nodes.find((node) => node.name === "slave2")!;
      expect(slave2).toMatchObject({ state: "down", gained: null });
      for (const node of ["master", "slave1", "slave3"]) {
        expect(done.verdict.nodes.find((n) => n.name === node)!.gained, node).toBe(10_000);
      }
      // While slave2 is down, master keeps the WAL its slot still needs.
      const [retained] = await direct<{ bytes: string }>(
        "master",
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) AS bytes FROM pg_replication_slots WHERE " +
          "slot_name = 'sub_slave2'",
      );
      expect(Number(retained!.bytes)).toBeGreaterThan(0);
      expect((await call("/api/lab/nodes/slave2/start", {})).json.state).toBe("up");
      await waitFor(async () => {
        const now = await counts();
        return Object.keys(now).every((node) => now[node]! - before[node]! === 10_000);
      }, 60_000);
      for (const node of FOLLOWERS) expect((await counts())[node]).toBe((await counts())["master"]);
    },
    120_000,
  );

  it("refuses a second run while one is going, and nonsense sizes", async () => {
    expect((await call("/api/load", { requests: 0, concurrency: 50 })).status).toBe(400);
    expect((await call("/api/load", { requests: 10, concurrency: 5000 })).status).toBe(400);
    expect((await call("/api/load", { requests: "many", concurrency: 5 })).status).toBe(400);
    const malformed: [unknown, string][] = [
      [{ requests: 10 }, "concurrency: expected a whole number from 1 to 500."],
      [{ requests: 2.5, concurrency: 5 }, "requests: expected a whole number from 1 to 100000."],
      [[10, 5], "body: expected a JSON object, got an array."],
      [{ requests: 10, concurrency: 5, rate: "x".repeat(100_000) }, "rate: not an expected field."],
    ];
    for (const [body, message] of malformed) {
      const { status, json } = await call("/api/load", JSON.stringify(body));
      expect({ status, json }).toEqual({ status: 400, json: { error: { status: 400, message, code: "LAB08" } } });
    }
    const first = await call("/api/load", { requests: 3000, concurrency: 5 });
    expect(first.status).toBe(202);
    const second = await call("/api/load", { requests: 10, concurrency: 5 });
    expect(second.status).toBe(409);
    const message = "A load run is already going; wait for it or stop it.";
    expect(second.json.error).toEqual({ status: 409, message, code: "LAB06" });
    await waitFor(async () => (await call("/api/load")).json.phase === "done", 60_000);
  }, 120_000);
});
