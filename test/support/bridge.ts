import http from "node:http";
import pg from "pg";
import { inject } from "vitest";
import type { CellNode, LabStatus, NodeName, QueryResponse } from "../../shared/api-types.ts";

export const bridgeUrl = () => inject("bridgeUrl");

/** A call to the bridge as the lab's own page makes it: same origin, token, JSON. */
export async function call(path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${bridgeUrl()}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      Authorization: `Bearer ${inject("token")}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, json, text };
}

export async function query(node: CellNode, sql: string, id?: string): Promise<QueryResponse> {
  const { status, json } = await call("/api/query", id ? { node, sql, id } : { node, sql });
  if (status !== 200) throw new Error(`bridge answered ${status}: ${JSON.stringify(json)}`);
  return json as QueryResponse;
}

/** A raw request, for headers fetch won't let us forge (Host). */
export function rawRequest(options: {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port: inject("bridgePort"),
        path: options.path,
        method: options.method ?? "GET",
        headers: options.headers,
      },
      (response) => {
        let body = "";
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on("error", reject);
    request.end(options.body);
  });
}

/** How a test logs in to a node directly: the lab's superuser, with the password the lab made for itself. */
export function nodeLogin(
  node: NodeName,
): pg.ClientConfig & { host: string; port: number; user: string; password: string; database: string } {
  return {
    host: "127.0.0.1",
    port: inject("pgPorts")[node]!,
    user: "postgres",
    password: inject("pgPassword"),
    database: "replication",
  };
}

/** The same as a postgres:// URL, for LAB_*_URL. */
export function nodeUrl(node: NodeName): string {
  const { host, port, user, password, database } = nodeLogin(node);
  return `postgres://${user}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
}

/** The connection string the lab gives for a node (GET /api/lab's conninfo, what `{{master}}` becomes). */
export async function nodeConninfo(node: NodeName): Promise<string> {
  const { status, json } = await call("/api/lab");
  if (status !== 200) throw new Error(`bridge answered ${status}: ${JSON.stringify(json)}`);
  return (json as LabStatus).nodes.find((found) => found.name === node)!.conninfo;
}

/** A direct connection to a node, bypassing the bridge: to check what really happened on the server. */
export async function direct<T extends pg.QueryResultRow = any>(node: NodeName, sql: string, values: unknown[] = []) {
  const client = new pg.Client(nodeLogin(node));
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
