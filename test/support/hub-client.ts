// Calls to the workshop hub as an attendee's browser makes them: joining with a code, then the lab's API with the
// session cookie and the CSRF token as its Bearer token, from the hub's own origin.
import http from "node:http";
import { expect, inject } from "vitest";
import { serveHub, type RunningHub, type ServeOptions } from "../../server/workshop/serve.ts";

export interface Answer {
  status: number;
  /** The body as text, and parsed as JSON when it is (null otherwise). */
  text: string;
  json: any;
  headers: http.IncomingHttpHeaders;
}

/** A request to the hub as a browser on the instructor's machine makes it, unless `headers` says otherwise. */
export function request(
  port: number,
  options: { path: string; method?: string; body?: unknown; headers?: Record<string, string | undefined> },
): Promise<Answer> {
  const origin = `http://127.0.0.1:${port}`;
  const headers: Record<string, string> = { Host: `127.0.0.1:${port}`, Origin: origin };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: options.path, method: options.method ?? "GET", headers },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => {
          let json: any = null;
          try {
            json = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, text, json, headers: res.headers });
        });
      },
    );
    req.on("error", reject);
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

export interface Attendee {
  cookie: string;
  csrf: string;
  lab: string;
  rejoin: string;
}

export async function join(port: number, code: string, name: string): Promise<Attendee> {
  const answer = await request(port, { path: "/workshop/join", method: "POST", body: { code, name } });
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  const setCookie = answer.headers["set-cookie"]?.[0] ?? "";
  return { cookie: setCookie.split(";")[0]!, ...answer.json };
}

/** A cell as the attendee's page runs it: session cookie, CSRF token as its Bearer token, own origin. */
export function sql(port: number, who: Attendee, text: string, headers: Record<string, string | undefined> = {}) {
  return request(port, {
    path: "/api/query",
    method: "POST",
    body: { node: "master", sql: text },
    headers: { Cookie: who.cookie, Authorization: `Bearer ${who.csrf}`, ...headers },
  });
}

/** A call to the attendee's lab through the hub: a POST with a JSON body when `body` is given, a GET otherwise. */
export function labCall(port: number, who: Attendee, path: string, body?: unknown) {
  return request(port, {
    path,
    method: body === undefined ? "GET" : "POST",
    body,
    headers: { Cookie: who.cookie, Authorization: `Bearer ${who.csrf}` },
  });
}

/** An event feed of the attendee's lab (e.g. /api/events) as the page holds it open: each event to `onEvent`. */
export function openFeed(
  port: number,
  who: Attendee,
  path: string,
  onEvent: (event: string, data: unknown) => void,
): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: "127.0.0.1",
        port,
        path,
        headers: {
          Host: `127.0.0.1:${port}`,
          Origin: `http://127.0.0.1:${port}`,
          Cookie: who.cookie,
          Authorization: `Bearer ${who.csrf}`,
          Accept: "text/event-stream",
        },
      },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`the feed answered ${res.statusCode}`));
        let buffer = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) onEvent(event, JSON.parse(data));
          }
        });
        res.on("error", () => {});
        resolve(() => req.destroy());
      },
    );
    req.on("error", () => {});
  });
}

/** The passphrase of the tests' hubs. */
export const TEST_PASSPHRASE = "amber-basin-cedar-delta-42";

/**
 * A hub as the tests run it: on loopback, any free port unless given, the test run's site, the tests' passphrase;
 * `options` names the folder and the provider and changes whatever else a test needs.
 */
export function testHub(
  options: Pick<ServeOptions, "workshopDir" | "provider"> & Partial<ServeOptions>,
): Promise<RunningHub> {
  return serveHub({
    listenAddress: "127.0.0.1",
    port: 0,
    publicHosts: ["workshop.test"],
    siteDir: inject("siteDir"),
    statementTimeoutMs: 30_000,
    rowLimit: 1000,
    passphrase: TEST_PASSPHRASE,
    joinCodeMinutes: 60,
    note: () => {},
    ...options,
  });
}
