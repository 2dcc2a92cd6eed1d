// The benchmarks' side of bench/load-lab.ts: start and stop it, reach its nodes, and load its bridge from a
// client process of its own.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { LoadSummary } from "../shared/api-types.ts";
import type { ChildMessage, ChildStart } from "../server/load-run/child.ts";
import type { LoadLabReady } from "./load-lab.ts";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Starts bench/load-lab.ts and waits for its ready message. */
export async function startLoadLab(): Promise<{ ready: LoadLabReady; child: ChildProcess }> {
  const child = fork(path.join(here, "load-lab.ts"), [], { execArgv: ["--import", "tsx"], stdio: "inherit" });
  const ready = await new Promise<LoadLabReady>((resolve, reject) => {
    child.once("message", (message) => resolve(message as LoadLabReady));
    child.once("exit", (code) => reject(new Error(`the lab process ended (${code}) before it was ready`)));
  });
  return { ready, child };
}

export async function stopLoadLab(child: ChildProcess): Promise<void> {
  const ended = new Promise((resolve) => child.once("exit", resolve));
  child.send("stop");
  await ended;
}

export function labClient(ready: LoadLabReady, port = ready.master.port): pg.Client {
  return new pg.Client({ ...ready.master, port });
}

/** Empties users on master and waits until every follower is empty too. */
export async function settle(ready: LoadLabReady, followerPorts: number[]): Promise<void> {
  await sql(ready, ready.master.port, "TRUNCATE users");
  for (;;) {
    const counts = await Promise.all(followerPorts.map((port) => count(ready, port)));
    if (counts.every((n) => n === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function sql(ready: LoadLabReady, port: number, text: string): Promise<pg.QueryResult> {
  const client = labClient(ready, port);
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

export async function count(ready: LoadLabReady, port: number): Promise<number> {
  return Number((await sql(ready, port, "SELECT count(*) AS n FROM users")).rows[0].n);
}

/** An outside client process: the load run's autocannon engine, forked from the benchmark, not the bridge. */
export async function outsideClient(ready: LoadLabReady, requests: number, concurrency: number): Promise<LoadSummary> {
  const child = fork(path.join(here, "../server/load-run/child.ts"), [], { execArgv: ["--import", "tsx"] });
  const summary = new Promise<LoadSummary>((resolve, reject) => {
    child.on("message", (message: ChildMessage) => {
      if (message.type === "done") resolve(message.summary);
      if (message.type === "failed") reject(new Error(message.error));
    });
    child.once("exit", () => reject(new Error("the client process ended without a summary")));
  });
  summary.catch(() => {});
  const start: ChildStart = { url: `${ready.url}/async-users`, requests, concurrency };
  child.send(start);
  // Its CPU is read once it has ended and been reaped.
  const [result] = await Promise.all([summary, new Promise((resolve) => child.once("exit", resolve))]);
  return result;
}
