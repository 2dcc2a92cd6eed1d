// Issue 14's progress reports on a real hub with real labs: an attendee's page posts events, the hub stores them
// with the attendee and its time, and the attendee reads their own back (with their SQL); another attendee sees
// none of them. Refused: no session, another Origin, no Origin, no CSRF token, a bad body, too many at once.
import fs from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningHub } from "../../server/workshop/serve.ts";
import type { ProgressEvent } from "../../shared/progress-events.ts";
import { tempDir } from "../support/temp-dir.ts";
import { testHub, join, request, type Attendee } from "../support/hub-client.ts";
import { endAndListUsers, localProvider } from "../support/workshop-labs.ts";

let dir: string;
let hub: RunningHub;
let ada: Attendee;
let bo: Attendee;

beforeAll(async () => {
  dir = await tempDir("workshop-progress");
  hub = await testHub({ workshopDir: dir, provider: await localProvider(dir, { maxLabs: 3, poolSize: 1 }) });
  ada = await join(hub.port, hub.joinCode, "Ada");
  bo = await join(hub.port, hub.joinCode, "Bo");
});

afterAll(async () => {
  await hub?.close();
  expect(await endAndListUsers(dir)).toEqual([]);
  await fs.rm(dir, { recursive: true, force: true });
}, 120_000);

/** A report as the attendee's page sends it: session cookie, CSRF token as Bearer, the hub's own origin. */
function report(who: Attendee, body: unknown, headers: Record<string, string | undefined> = {}) {
  return request(hub.port, {
    path: "/workshop/progress",
    method: "POST",
    body,
    headers: { Cookie: who.cookie, Authorization: `Bearer ${who.csrf}`, ...headers },
  });
}

async function progressOf(who: Attendee) {
  const answer = await request(hub.port, { path: "/workshop/me/progress", headers: { Cookie: who.cookie } });
  expect(answer.status, answer.text).toBe(200);
  return answer.json.events as Array<ProgressEvent & { attendeeId: string; at: string }>;
}

describe("progress reports", () => {
  it("are stored with the hub's time and listed to their own attendee only, with the SQL", async () => {
    const failed: ProgressEvent = {
      kind: "expectation",
      lesson: "03-schema",
      step: 4,
      met: false,
      sqlstate: "42P01",
      message: 'relation "nope" does not exist',
      sql: "SELECT * FROM nope;",
    };
    const ran = await report(ada, { kind: "ran", lesson: "03-schema", step: 4 });
    expect(ran.status, ran.text).toBe(201);
    expect((await report(ada, failed)).status).toBe(201);
    const events = await progressOf(ada);
    expect(events.map((event) => event.kind)).toEqual(["ran", "expectation"]);
    expect(events[1]).toMatchObject(failed);
    expect(events[0]!.attendeeId).toBe(events[1]!.attendeeId);
    expect(Date.parse(events[0]!.at)).toBeLessThanOrEqual(Date.parse(events[1]!.at));
    expect(await progressOf(bo)).toEqual([]);
  });

  it("are refused without a session, from another Origin or none, without CSRF, and with a bad body", async () => {
    const event = { kind: "ran", lesson: "03-schema", step: 1 };
    const noSession = await report(ada, event, { Cookie: undefined });
    expect(noSession.status).toBe(401);
    expect(noSession.json.error.code).toBe("LAB13");
    const foreign = await report(ada, event, { Origin: "http://evil.example" });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error.message).toMatch(/evil\.example/);
    expect((await report(ada, event, { Origin: undefined })).status).toBe(403);
    const noCsrf = await report(ada, event, { Authorization: undefined });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.json.error.message).toMatch(/CSRF/);
    const othersCsrf = await report(ada, event, { Authorization: `Bearer ${bo.csrf}` });
    expect(othersCsrf.status).toBe(403);
    const badStep = await report(ada, { kind: "ran", lesson: "03-schema", step: "two" });
    expect(badStep.status).toBe(400);
    expect(badStep.json.error.code).toBe("LAB08");
    expect(badStep.json.error.message).toMatch(/step/);
    const unknownField = await report(ada, { kind: "ran", attendeeId: "someone-else" });
    expect(unknownField.status).toBe(400);
    expect(unknownField.json.error.message).toMatch(/attendeeId/);
    const badKind = await report(ada, { kind: "graded" });
    expect(badKind.status).toBe(400);
    expect(badKind.json.error.message).toMatch(/kind/);
    // None of the refused reports was stored.
    expect((await progressOf(ada)).filter((stored) => stored.step === 1)).toEqual([]);
    const noSessionRead = await request(hub.port, { path: "/workshop/me/progress" });
    expect(noSessionRead.status).toBe(401);
  });

  it("are rate-limited per attendee: a flood gets 429 and a clear message; only accepted ones stored", async () => {
    const flood = await Promise.all(
      Array.from({ length: 200 }, (_, i) => report(bo, { kind: "ran", lesson: "05-subscriptions", step: i + 1 })),
    );
    const accepted = flood.filter((answer) => answer.status === 201).length;
    const refused = flood.filter((answer) => answer.status === 429);
    expect(accepted).toBeGreaterThanOrEqual(60);
    expect(refused.length).toBe(200 - accepted);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.json.error.code).toBe("LAB14");
    expect(refused[0]!.json.error.message).toMatch(/Too many progress reports/);
    expect((await progressOf(bo)).length).toBe(accepted);
    // Another attendee's bucket is their own.
    expect((await report(ada, { kind: "hand", met: true })).status).toBe(201);
  });
});
