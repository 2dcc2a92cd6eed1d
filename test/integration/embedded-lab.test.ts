import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config.ts";
import { EmbeddedLab } from "../../server/lab/embedded/index.ts";
import { freeBase, tempDir } from "../support/temp-dir.ts";

// These tests run labs of their own, each in its own folder, beside the shared one.
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function newLab(dataDir: string, env: Record<string, string> = {}) {
  const lab = new EmbeddedLab(loadConfig({ LAB_DATA_DIR: dataDir, ...env }));
  cleanups.push(() => lab.stop());
  return lab;
}

async function labFolder() {
  const dir = await tempDir("lab-own");
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

async function sql(lab: EmbeddedLab, text: string) {
  const client = new pg.Client(lab.endpoint("master"));
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

function occupy(port: number): Promise<net.Server> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(port, "127.0.0.1", () => resolve(server));
    cleanups.push(() => new Promise((done) => server.close(done)));
  });
}

describe("the embedded lab", () => {
  it("brings the same data back on the same ports after a restart", async () => {
    const dir = await labFolder();
    const base = await freeBase();
    const first = await newLab(dir, { LAB_PG_PORT: String(base) });
    await first.start();
    const ports = first.status().nodes.map((node) => node.port);
    expect(ports).toEqual([base, base + 1, base + 2, base + 3]);
    await sql(first, "CREATE TABLE kept(note text); INSERT INTO kept VALUES ('still here')");
    await first.stop();
    expect(first.status().nodes.every((node) => node.state === "down")).toBe(true);

    // No LAB_PG_PORT this time: the remembered ports win over the default base.
    const second = await newLab(dir);
    await second.start();
    expect(second.status().nodes.map((node) => node.port)).toEqual(ports);
    expect(await sql(second, "SELECT note FROM kept")).toEqual([{ note: "still here" }]);
    const saved = JSON.parse(await fs.readFile(path.join(dir, "lab.json"), "utf8"));
    expect(Object.values(saved.ports)).toEqual(ports);
  });

  it("skips a taken port on first start and says so", async () => {
    const base = await freeBase(5);
    await occupy(base);
    const lab = await newLab(await labFolder(), { LAB_PG_PORT: String(base) });
    await lab.start();
    const master = lab.node("master");
    expect(master.state).toBe("up");
    expect(master.port).not.toBe(base);
    expect(lab.warnings).toEqual([`master: port ${base} is taken, using ${master.port} instead`]);
  });

  it("won't move master off its remembered port, and explains why", async () => {
    const dir = await labFolder();
    const base = await freeBase();
    const first = await newLab(dir, { LAB_PG_PORT: String(base) });
    await first.start();
    await first.stop();
    await occupy(base);
    const second = await newLab(dir);
    await expect(second.start()).rejects.toThrow(`master's port ${base} is taken by another program`);
  });

  it("says why a node failed to start, and starts the others", async () => {
    const dir = await labFolder();
    const lab = await newLab(dir, { LAB_PG_PORT: String(await freeBase()) });
    await lab.start();
    await lab.stop();
    await fs.appendFile(path.join(dir, "slave3", "postgresql.conf"), "\nwal_level = bogus\n");
    await expect(lab.start()).rejects.toThrow(/slave3: slave3 failed to start: .*invalid value for parameter "wal_level": "bogus"/);
    expect(lab.node("slave3").state).toBe("error");
    expect(lab.node("slave3").error).toContain('"wal_level"');
    expect(lab.node("master").state).toBe("up");
  });

  it("runs every node with wal_level=logical and a replication database", async () => {
    const lab = await newLab(await labFolder(), { LAB_PG_PORT: String(await freeBase()) });
    await lab.start();
    expect(await sql(lab, "SELECT current_setting('wal_level') AS wal_level, current_database() AS db")).toEqual([
      { wal_level: "logical", db: "replication" },
    ]);
  });
});
