// `npm start` killed with SIGKILL leaves its four postmasters running. These tests run the bridge as npm start
// does, in a child process with a lab folder of its own, kill it, and start it again.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../server/config.ts";
import { isAlive, readLockFile } from "../../server/lab/embedded/leftover-server.ts";
import { NODE_NAMES } from "../../shared/api-types.ts";
import { waitFor } from "../support/bridge.ts";
import { freeBase, tempDir } from "../support/temp-dir.ts";
import { pattern } from "../support/pattern.ts";

const TOKEN = "crash-test-token-0123456789";

interface Bridge {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

let dataDir: string;
let base: number;

/** `npm start` in a child process; resolves once it says where to go, or with its output when it exits. */
function startBridge(env: Record<string, string> = {}): Bridge {
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LAB_DATA_DIR: dataDir, PORT: "0", LAB_TOKEN: TOKEN, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout?.on("data", (chunk) => (text += chunk));
  child.stderr?.on("data", (chunk) => (text += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function ready(bridge: Bridge): Promise<string> {
  const outcome = await Promise.race([
    waitFor(async () => /Open (http:\/\/127\.0\.0\.1:\d+)\//.exec(bridge.output())?.[1], 90_000),
    bridge.exited.then((code) => {
      throw new Error(`npm start exited (${code}):\n${bridge.output()}`);
    }),
  ]);
  return outcome;
}

async function killHard(bridge: Bridge): Promise<void> {
  bridge.child.kill("SIGKILL");
  await bridge.exited;
}

async function status(url: string) {
  const response = await fetch(`${url}/api/lab`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  return (await response.json()) as { nodes: { name: string; state: string; port: number; conninfo: string }[] };
}

/** The password this lab made for itself on its first start. */
async function labPassword(): Promise<string> {
  return (await fs.readFile(path.join(dataDir, "password"), "utf8")).trim();
}

async function sql(port: number, text: string) {
  const client = new pg.Client({
    host: "127.0.0.1",
    port,
    user: "postgres",
    password: await labPassword(),
    database: "replication",
  });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/** A row written on master now reaches every follower. */
async function replicates(ports: number[], id: number): Promise<void> {
  await sql(ports[0]!, `INSERT INTO users VALUES (${id})`);
  for (const port of ports.slice(1)) {
    await waitFor(async () => (await sql(port, `SELECT 1 FROM users WHERE id = ${id}`)).length === 1, 20_000);
  }
}

async function postmasters(): Promise<number[]> {
  const locks = await Promise.all(NODE_NAMES.map((name) => readLockFile(path.join(dataDir, name))));
  return locks.flatMap((lock) => (lock && isAlive(lock.pid) ? [lock.pid] : []));
}

let running: Bridge | undefined;

describe("npm start after the bridge was killed with SIGKILL", () => {
  let ports: number[];

  beforeAll(async () => {
    dataDir = await tempDir("lab-crash");
    base = await freeBase();
    running = startBridge({ LAB_PG_PORT: String(base) });
    const url = await ready(running);
    ports = (await status(url)).nodes.map((node) => node.port);
    const master = (await status(url)).nodes[0]!.conninfo;
    for (const port of ports) await sql(port, "CREATE TABLE users (id int PRIMARY KEY)");
    await sql(ports[0]!, "CREATE PUBLICATION userpub FOR TABLE users");
    for (const [i, port] of ports.slice(1).entries()) {
      await sql(port, `CREATE SUBSCRIPTION sub${i + 1} CONNECTION '${master}' PUBLICATION userpub`);
    }
    await replicates(ports, 1);
  }, 180_000);

  afterAll(async () => {
    if (running) {
      running.child.kill("SIGINT");
      await running.exited;
    }
    for (const pid of await postmasters()) process.kill(pid, "SIGINT");
    await waitFor(async () => (await postmasters()).length === 0, 30_000).catch(() => {});
    await fs.rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("leaves four postmasters; the next start stops them, keeps every port, and replication works", async () => {
    await killHard(running!);
    expect(await postmasters()).toHaveLength(4);
    running = startBridge();
    const url = await ready(running);
    expect(running.output()).toMatch(
      pattern(
        String.raw`note: master: stopped a server left running by an earlier start `,
        String.raw`that ended without stopping it \(pid \d+, port \d+\)`,
      ),
    );
    expect((await status(url)).nodes.map((node) => [node.state, node.port])).toEqual(ports.map((port) => ["up", port]));
    await replicates(ports, 2);
  }, 120_000);

  it("with LAB_PG_PORT on the same ports, no node moves and replication works", async () => {
    await killHard(running!);
    running = startBridge({ LAB_PG_PORT: String(base) });
    const url = await ready(running);
    expect((await status(url)).nodes.map((node) => node.port)).toEqual(ports);
    await replicates(ports, 3);
  }, 120_000);

  it("with LAB_PG_PORT elsewhere, every node moves and the subscriptions follow master, said at start", async () => {
    await killHard(running!);
    const elsewhere = await freeBase();
    running = startBridge({ LAB_PG_PORT: String(elsewhere) });
    const url = await ready(running);
    const moved = (await status(url)).nodes.map((node) => node.port);
    expect(moved).toEqual([elsewhere, elsewhere + 1, elsewhere + 2, elsewhere + 3]);
    for (const i of [1, 2, 3]) {
      expect(running.output()).toContain(
        `note: slave${i}: subscription sub${i} now connects to master on port ${elsewhere} (it pointed at ${ports[0]})`,
      );
    }
    await replicates(moved, 4);
  }, 120_000);
});
