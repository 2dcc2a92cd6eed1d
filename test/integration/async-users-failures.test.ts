import pg from "pg";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { LoadState } from "../../shared/api-types.ts";
import { call, nodeLogin, rawRequest, waitFor } from "../support/bridge.ts";
import { counts, setUpReplication } from "../support/replication.ts";

const post = (body: string | Buffer) =>
  rawRequest({
    path: "/async-users",
    method: "POST",
    headers: { Host: `127.0.0.1:${inject("bridgePort")}`, "Content-Type": "application/json" },
    body: body as string,
  });

const user = (name: string, i: number) => JSON.stringify({ name, email: `u${i}-${Date.now()}@example.com` });

/** 300 good requests and one bad one, all at once, so that they are grouped into shared INSERTs. */
async function crowdWithOneBad(bad: string | Buffer) {
  const good = Array.from({ length: 300 }, (_, i) => post(user(`good ${i}`, i)));
  const [badAnswer, ...goodAnswers] = await Promise.all([post(bad), ...good]);
  return { bad: badAnswer!, good: goodAnswers };
}

function statuses(answers: { status: number }[]): Record<number, number> {
  const tally: Record<number, number> = {};
  for (const { status } of answers) tally[status] = (tally[status] ?? 0) + 1;
  return tally;
}

/** A session of its own on master, to hold locks or end the API's backends while a request waits. */
async function masterSession(): Promise<pg.Client> {
  const client = new pg.Client(nodeLogin("master"));
  await client.connect();
  return client;
}

describe("POST /async-users: a bad request fails alone", () => {
  beforeAll(setUpReplication, 60_000);

  it("one name with a NUL among 300 good requests: 300 × 201 and one 400", async () => {
    const before = (await counts(["master"]))["master"]!;
    const { bad, good } = await crowdWithOneBad(JSON.stringify({ name: "nul\u0000here", email: "nul@example.com" }));
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toBe(
      "name: expected text without a NUL character (\\u0000), which PostgreSQL text can't hold.",
    );
    expect(statuses(good)).toEqual({ 201: 300 });
    expect((await counts(["master"]))["master"]).toBe(before + 300);
  });

  it(
    "a row PostgreSQL refuses (a CHECK constraint) " + "among 300 good ones: 300 × 201 and one 400 with the reason",
    async () => {
      const session = await masterSession();
      await session.query("ALTER TABLE users ADD CONSTRAINT no_mallory CHECK (name <> 'Mallory')");
      try {
        const before = (await counts(["master"]))["master"]!;
        const { bad, good } = await crowdWithOneBad(JSON.stringify({ name: "Mallory", email: "mallory@example.com" }));
        expect(statuses(good)).toEqual({ 201: 300 });
        expect(bad.status).toBe(400);
        expect(JSON.parse(bad.body).error.message).toContain("no_mallory");
        expect((await counts(["master"]))["master"]).toBe(before + 300);
      } finally {
        await session.query("ALTER TABLE users DROP CONSTRAINT no_mallory");
        await session.end();
      }
    },
  );

  it("refuses what PostgreSQL can't store with 400: lone surrogates, bytes that are not UTF-8", async () => {
    const surrogate = await post('{"name": "half \\ud800 a pair", "email": "s@example.com"}');
    expect(surrogate.status).toBe(400);
    expect(JSON.parse(surrogate.body).error).toEqual({
      status: 400,
      message: "name: expected valid Unicode, got a lone surrogate (\\ud800-\\udfff without its pair).",
      code: "LAB08",
    });
    const latin1 = Buffer.concat([
      Buffer.from('{"name": "Zo'),
      Buffer.from([0xeb]),
      Buffer.from('", "email": "z@example.com"}'),
    ]);
    const notUtf8 = await post(latin1);
    expect(notUtf8.status).toBe(400);
    expect(JSON.parse(notUtf8.body).error.message).toContain("UTF-8");
  });
});

describe("POST /async-users: an answer lost after the INSERT was sent", () => {
  beforeAll(setUpReplication, 60_000);

  it("says the outcome is unknown (504), not that the user was not written", async () => {
    const locker = await masterSession();
    const killer = await masterSession();
    try {
      // The INSERT waits behind this lock, so it is surely on the server when its backend is ended.
      await locker.query("BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
      const answer = post(user("in flight", 1));
      await waitFor(async () => {
        const { rows } = await killer.query(
          "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = " +
            "'replication-lab api' AND wait_event_type = 'Lock'",
        );
        return rows.length > 0;
      });
      const { status, body } = await answer;
      expect(status).toBe(504);
      const { error } = JSON.parse(body);
      expect(error.code).toBe("outcome-unknown");
      expect(error.message).toContain("may or may not");
      expect(error.message).not.toContain("was not written");
    } finally {
      await locker.query("ROLLBACK").catch(() => {});
      await locker.end();
      await killer.end();
    }
    // The API recovers: the next request is written.
    expect((await post(user("after", 2))).status).toBe(201);
  });

  it(
    "a load run whose writes are cut off mid-flight: " + "the verdict bounds master's rows by acknowledged + unknown",
    async () => {
      const killer = await masterSession();
      try {
        const before = (await counts(["master"]))["master"]!;
        expect((await call("/api/load", { requests: 10_000, concurrency: 40 })).status).toBe(202);
        // End the API's busy backends, over and over, until some request has failed: one caught between
        // statements only costs the pool a connection, one caught mid-INSERT is an answer lost.
        let ended = 0;
        let keepEnding = true;
        const ending = (async () => {
          while (keepEnding) {
            const { rows } = await killer.query(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'replication-lab " +
                "api' AND state = 'active' AND query LIKE 'INSERT%'",
            );
            ended += rows.length;
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        })();
        const done = await waitFor(async () => {
          const state = (await call("/api/load")).json as LoadState;
          if (state.phase === "failed") throw new Error(state.error);
          if (state.phase !== "running" || state.progress.errors > 0) keepEnding = false;
          return state.phase === "done" ? state : undefined;
        }, 120_000).finally(() => (keepEnding = false));
        await ending;
        expect(ended).toBeGreaterThan(0);
        const { summary, verdict } = done;
        expect(summary.unknown, JSON.stringify(summary)).toBeGreaterThan(0);
        const gained = (await counts(["master"]))["master"]! - before;
        expect(gained).toBeGreaterThanOrEqual(summary.ok);
        expect(gained).toBeLessThanOrEqual(summary.ok + summary.unknown);
        expect(verdict.unknown).toBe(summary.unknown);
        expect(verdict.nothingLost).toBe(true);
        expect(verdict.nodes[0]!.gained).toBe(gained);
      } finally {
        await killer.end();
      }
    },
    150_000,
  );
});
