// Talking to a workshop hub as an attendee's browser does: requests with the hub's own Host and Origin, and
// joining with a code, which gives the session cookie and the page's CSRF token.
import http from "node:http";
import { expect } from "vitest";

export interface Answer {
  status: number;
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
          resolve({ status: res.statusCode ?? 0, json, headers: res.headers });
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
