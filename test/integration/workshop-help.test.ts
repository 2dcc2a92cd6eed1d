// Issue 14's help in the console, on a real hub with real labs: the instructor asks, the attendee accepts, and
// the instructor's terminal is attached to the very console session the attendee's page opened (one backend,
// each terminal shows what the other typed and its output). Refused: an answer from another attendee, a shared
// console for a request that isn't the attendee's accepted one, the instructor's terminal for a request asked,
// declined, ended or unknown, or without the instructor's session or the hub's Origin.
import fs from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningHub } from "../../server/workshop/serve.ts";
import { GUEST_CLOSED } from "../../shared/console-protocol.ts";
import type { HelpState } from "../../shared/room/feed.ts";
import { waitFor } from "../support/bridge.ts";
import { join, openFeed, request, TEST_PASSPHRASE, testHub, type Attendee } from "../support/hub-client.ts";
import { tempDir } from "../support/temp-dir.ts";
import { endAndListUsers, localProvider } from "../support/workshop-labs.ts";
import { openOutcome, WsTerminal } from "../support/ws-terminal.ts";

let dir: string;
let hub: RunningHub;
let ada: Attendee;
let bo: Attendee;
let adaId: string;
let instructor: { cookie: string; csrf: string };
let origin: string;
const adaFeed: HelpState[] = [];
let closeFeed: () => void;

beforeAll(async () => {
  dir = await tempDir("workshop-help");
  hub = await testHub({ workshopDir: dir, provider: await localProvider(dir, { maxLabs: 3, poolSize: 1 }) });
  origin = `http://127.0.0.1:${hub.port}`;
  ada = await join(hub.port, hub.joinCode, "Ada");
  bo = await join(hub.port, hub.joinCode, "Bo");
  const login = await request(hub.port, {
    path: "/workshop/instructor/login",
    method: "POST",
    body: { passphrase: TEST_PASSPHRASE },
  });
  expect(login.status, login.text).toBe(200);
  instructor = { cookie: login.headers["set-cookie"]![0]!.split(";")[0]!, csrf: login.json.csrf };
  closeFeed = await openFeed(hub.port, ada, "/workshop/feed", (event, data) => {
    if (event === "hello") adaId = (data as { attendeeId: string }).attendeeId;
    if (event === "help") adaFeed.push(data as HelpState);
  });
  await waitFor(async () => adaId !== undefined, 10_000);
}, 180_000);

afterAll(async () => {
  closeFeed?.();
  await hub?.close();
  expect(await endAndListUsers(dir)).toEqual([]);
  await fs.rm(dir, { recursive: true, force: true });
}, 120_000);

const asInstructor = (path: string, method = "POST", headers: Record<string, string | undefined> = {}) =>
  request(hub.port, {
    path,
    method,
    headers: { Cookie: instructor.cookie, "X-CSRF-Token": instructor.csrf, ...headers },
  });

const asAttendee = (who: Attendee, path: string, body?: unknown) =>
  request(hub.port, {
    path,
    method: "POST",
    ...(body === undefined ? {} : { body }),
    headers: { Cookie: who.cookie, Authorization: `Bearer ${who.csrf}` },
  });

async function ask(attendeeId: string): Promise<string> {
  const asked = await asInstructor(`/workshop/instructor/attendees/${attendeeId}/help`);
  expect(asked.status, asked.text).toBe(201);
  return asked.json.requestId as string;
}

async function stateOf(requestId: string): Promise<string> {
  const answer = await asInstructor(`/workshop/instructor/help/${requestId}`, "GET");
  expect(answer.status, answer.text).toBe(200);
  return answer.json.state as string;
}

/** The attendee's help terminal as their page opens it: the console WebSocket with `&help=`. */
const attendeeUrl = (who: Attendee, requestId: string) =>
  `ws://127.0.0.1:${hub.port}/api/console?node=master&token=${who.csrf}&help=${requestId}`;
const attendeeHeaders = (who: Attendee) => ({ Cookie: who.cookie, Origin: origin });

const instructorUrl = (requestId: string) => `ws://127.0.0.1:${hub.port}/workshop/instructor/help/${requestId}/console`;
const instructorHeaders = () => ({ Cookie: instructor.cookie, Origin: origin });

describe("help in the console", () => {
  it("is asked, accepted, shared by both terminals, and ended by the instructor; the session goes on", async () => {
    const id = await ask(adaId);
    await waitFor(async () => adaFeed.some((m) => m.requestId === id && m.state === "asked"), 10_000);
    const twice = await asInstructor(`/workshop/instructor/attendees/${adaId}/help`);
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toMatch(/Ada has a help request asked already/);

    // Before Ada accepts, neither her shared console nor the instructor's terminal opens.
    expect(await openOutcome(attendeeUrl(ada, id), attendeeHeaders(ada))).toBe(403);
    expect(await openOutcome(instructorUrl(id), instructorHeaders())).toBe(409);
    // Bo can't answer Ada's request, nor share a console under it.
    expect((await asAttendee(bo, `/workshop/help/${id}`, { accept: true })).status).toBe(404);

    const accepted = await asAttendee(ada, `/workshop/help/${id}`, { accept: true });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.json.state).toBe("accepted");
    await waitFor(async () => adaFeed.some((m) => m.requestId === id && m.state === "accepted"), 10_000);
    expect(await openOutcome(attendeeUrl(bo, id), attendeeHeaders(bo))).toBe(403);

    const mine = await WsTerminal.open(attendeeUrl(ada, id), attendeeHeaders(ada));
    expect(mine.guests).toBeUndefined();
    const theirs = await WsTerminal.open(instructorUrl(id), instructorHeaders());
    // The attendee's page is told the instructor is attached (its banner says so).
    await mine.until(() => mine.guests === 1);
    await mine.type("SELECT 1 AS from_attendee;", /from_attendee[\s\S]*\(1 row\)/);
    await theirs.until(() => /^>> SELECT 1 AS from_attendee;\n from_attendee \n-+\n +1\n\(1 row\)/m.test(theirs.shown));
    await theirs.type("SELECT 2 AS from_instructor;", /from_instructor[\s\S]*\(1 row\)/);
    await mine.until(() => /^>> SELECT 2 AS from_instructor;\n from_instructor \n-+\n +2\n\(1 row\)/m.test(mine.shown));
    // One session: what one terminal sets, the other's next statement sees.
    await theirs.type("SET application_name = 'helped';", /^SET$/m);
    await mine.type("SHOW application_name;", /^ helped$/m);
    // The other socket gets the same output, a moment later maybe.
    await theirs.until(() => /^ helped$/m.test(theirs.shown));
    // Neither terminal is echoed its own lines.
    expect(mine.shown).not.toMatch(/>> SELECT 1/);
    expect(theirs.shown).not.toMatch(/>> SELECT 2/);

    const ended = await asInstructor(`/workshop/help/${id}/end`);
    expect(ended.status, ended.text).toBe(200);
    await theirs.until(() => theirs.closed !== undefined);
    expect(theirs.closed).toEqual({ code: GUEST_CLOSED, reason: "The help ended." });
    await mine.until(() => mine.guests === 0);
    await waitFor(async () => adaFeed.some((m) => m.requestId === id && m.state === "ended"), 10_000);
    // Ada's session goes on, and the instructor can't come back to it.
    await mine.type("SELECT 3 AS still_mine;", /still_mine[\s\S]*\(1 row\)/);
    expect(mine.closed).toBeUndefined();
    expect(await openOutcome(instructorUrl(id), instructorHeaders())).toBe(409);
    expect((await asInstructor(`/workshop/help/${id}/end`)).status).toBe(409);
    mine.close();
  });

  it("is declined, and then the instructor's terminal can't open", async () => {
    const id = await ask(adaId);
    const declined = await asAttendee(ada, `/workshop/help/${id}`, { accept: false });
    expect(declined.json.state).toBe("declined");
    await waitFor(async () => adaFeed.some((m) => m.requestId === id && m.state === "declined"), 10_000);
    expect(await openOutcome(instructorUrl(id), instructorHeaders())).toBe(409);
    expect(await openOutcome(attendeeUrl(ada, id), attendeeHeaders(ada))).toBe(403);
  });

  it("ends when the attendee closes their help terminal", async () => {
    const id = await ask(adaId);
    await asAttendee(ada, `/workshop/help/${id}`, { accept: true });
    const mine = await WsTerminal.open(attendeeUrl(ada, id), attendeeHeaders(ada));
    const theirs = await WsTerminal.open(instructorUrl(id), instructorHeaders());
    mine.close();
    await theirs.until(() => theirs.closed !== undefined);
    expect(theirs.closed).toEqual({ code: GUEST_CLOSED, reason: "The attendee's session ended." });
    await waitFor(async () => (await stateOf(id)) === "ended", 10_000);
    await waitFor(async () => adaFeed.some((m) => m.requestId === id && m.state === "ended"), 10_000);
  });

  it("refuses the instructor's terminal without their session or the hub's Origin, and unknown ids", async () => {
    const id = await ask(adaId);
    await asAttendee(ada, `/workshop/help/${id}`, { accept: true });
    const mine = await WsTerminal.open(attendeeUrl(ada, id), attendeeHeaders(ada));
    expect(await openOutcome(instructorUrl(id), { Origin: origin })).toBe(401);
    expect(await openOutcome(instructorUrl(id), { Cookie: ada.cookie, Origin: origin })).toBe(401);
    expect(await openOutcome(instructorUrl(id), { Cookie: instructor.cookie, Origin: "http://evil.example" })).toBe(
      403,
    );
    expect(await openOutcome(instructorUrl(id), { Cookie: instructor.cookie })).toBe(403);
    expect(await openOutcome(instructorUrl("AAAAAAAAAAAAAAAA"), instructorHeaders())).toBe(404);
    // The attendee's own answer and end need their CSRF token; the instructor's ask needs theirs.
    const noCsrf = await request(hub.port, {
      path: `/workshop/help/${id}/end`,
      method: "POST",
      headers: { Cookie: ada.cookie },
    });
    expect(noCsrf.status).toBe(403);
    const askNoCsrf = await asInstructor(`/workshop/instructor/attendees/${adaId}/help`, "POST", {
      "X-CSRF-Token": undefined,
    });
    expect(askNoCsrf.status).toBe(403);
    const asAda = await request(hub.port, {
      path: `/workshop/instructor/attendees/${adaId}/help`,
      method: "POST",
      headers: { Cookie: ada.cookie, "X-CSRF-Token": ada.csrf },
    });
    expect(asAda.status).toBe(401);
    // Still open: the attendee ends it.
    const ended = await asAttendee(ada, `/workshop/help/${id}/end`);
    expect(ended.json.state).toBe("ended");
    mine.close();
  });
});
