import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import { promisify } from "node:util";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config.ts";
import { EmbeddedLab } from "../../server/lab/embedded/index.ts";
import { waitFor } from "../support/bridge.ts";
import { freeBase, tempDir } from "../support/temp-dir.ts";

const run = promisify(execFile);

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

async function sql(lab: EmbeddedLab, text: string, node: "master" | "slave1" = "master") {
  const client = new pg.Client(lab.endpoint(node));
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/** Another program on the port: it accepts connections and never answers (a PostgreSQL client would wait). */
function occupy(port: number): Promise<net.Server> {
  const sockets = new Set<net.Socket>();
  return new Promise((resolve) => {
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => sockets.delete(socket));
    });
    server.listen(port, "127.0.0.1", () => resolve(server));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((done) => server.close(done));
    });
  });
}

describe("the embedded lab", () => {
  it("knows a node is up even when it logs many lines right after saying so", async () => {
    const dataDir = await labFolder();
    const lab = await newLab(dataDir, { LAB_PG_PORT: String(await freeBase()) });
    await lab.start();
    // A chatty server: at debug5 the postmaster logs hundreds of lines in the moment after "ready to accept
    // connections", more than the bridge keeps for its messages between two looks at the log.
    await sql(lab, "ALTER SYSTEM SET log_min_messages = 'debug5'");
    await lab.stopNode("master");
    const started = performance.now();
    await lab.startNode("master");
    expect(lab.node("master").state).toBe("up");
    // Without the fix this start waited its full minute and failed; with it, it is up at once.
    expect(performance.now() - started).toBeLessThan(30_000);
    await sql(lab, "ALTER SYSTEM RESET log_min_messages");
  }, 90_000);

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
    await expect(lab.start()).rejects.toThrow(
      /slave3: slave3 failed to start: .*invalid value for parameter "wal_level": "bogus"/,
    );
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

  it(
    "with LAB_PG_PORT and master's port taken by another program, " + "master moves and its subscriptions follow",
    async () => {
      const dir = await labFolder();
      const base = await freeBase();
      const first = await newLab(dir, { LAB_PG_PORT: String(base) });
      await first.start();
      await sql(first, "CREATE TABLE users (id int PRIMARY KEY); CREATE PUBLICATION userpub FOR TABLE users");
      await sql(first, "CREATE TABLE users (id int PRIMARY KEY)", "slave1");
      await sql(
        first,
        `CREATE SUBSCRIPTION usersub CONNECTION '${first.node("master").conninfo}' PUBLICATION userpub`,
        "slave1",
      );
      await first.stop();

      await occupy(base);
      const second = await newLab(dir, { LAB_PG_PORT: String(base) });
      await second.start();
      const port = second.node("master").port;
      expect(port).not.toBe(base);
      expect(second.warnings).toContain(
        `slave1: subscription usersub now connects to master on port ${port} (it pointed at ${base})`,
      );
      await sql(second, "INSERT INTO users VALUES (1)");
      await waitFor(async () => (await sql(second, "SELECT id FROM users", "slave1")).length === 1, 15_000);
    },
  );

  it("after a crash, a node's error says how it stopped, not what a query printed earlier", async () => {
    const dir = await labFolder();
    const lab = await newLab(dir, { LAB_PG_PORT: String(await freeBase()) });
    await lab.start();
    await expect(sql(lab, "SELECT * FROM no_such_table")).rejects.toThrow("no_such_table");
    const pid = Number((await fs.readFile(path.join(dir, "master", "postmaster.pid"), "utf8")).split("\n")[0]);
    process.kill(pid, "SIGKILL");
    await waitFor(async () => lab.node("master").state === "error");
    expect(lab.node("master").error).toMatch(/killed by SIGKILL/);
    expect(lab.node("master").error).not.toContain("no_such_table");
  });

  describe("a postmaster.pid naming a process that is not this folder's server", () => {
    /**
     * An unrelated process, orphaned as a postmaster is when its bridge is killed, that notes any SIGINT or
     * SIGTERM it gets in a file.
     */
    async function strayProcess(): Promise<{ pid: number; signalled: () => Promise<string> }> {
      const note = path.join(await labFolder(), "signals");
      const script =
        `for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => ` +
        `require("fs").appendFileSync(${JSON.stringify(note)}, s)); setInterval(() => {}, 1000);`;
      const { stdout } = await run("setsid", [
        "sh",
        "-c",
        `${JSON.stringify(process.execPath)} -e '${script}' >/dev/null 2>&1 & echo $!`,
      ]);
      const pid = Number(stdout.trim());
      cleanups.push(async () => {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Already gone: today's lab signalled it (the failure these tests catch).
        }
      });
      return { pid, signalled: () => fs.readFile(note, "utf8").catch(() => "") };
    }

    async function stoppedLab() {
      const dir = await labFolder();
      const lab = await newLab(dir, { LAB_PG_PORT: String(await freeBase()) });
      await lab.start();
      await lab.stop();
      return { dir, lab };
    }

    const lockFile = (pid: number, dataDir: string, startedAt: number, port: number) =>
      [pid, dataDir, startedAt, port, "", "127.0.0.1", "  1234567     12345", "ready   ", ""].join("\n");

    it("is never signalled: the lab refuses to start that node and says why", async () => {
      const { dir, lab } = await stoppedLab();
      const { pid, signalled } = await strayProcess();
      const dataDir = path.join(dir, "slave1");
      await fs.writeFile(
        path.join(dataDir, "postmaster.pid"),
        lockFile(pid, dataDir, Math.floor(Date.now() / 1000), lab.node("slave1").port),
      );
      const again = await newLab(dir);
      await expect(again.start()).rejects.toThrow(
        `names process ${pid}, which is not a PostgreSQL server of this folder`,
      );
      expect(() => process.kill(pid, 0)).not.toThrow();
      expect(await signalled()).toBe("");
      expect(again.node("master").state).toBe("up");
    });

    it("written before the machine booted, is known stale: removed, and the node starts", async () => {
      const { dir, lab } = await stoppedLab();
      const { pid, signalled } = await strayProcess();
      const dataDir = path.join(dir, "slave1");
      await fs.writeFile(
        path.join(dataDir, "postmaster.pid"),
        lockFile(pid, dataDir, 1_000_000_000, lab.node("slave1").port),
      );
      const again = await newLab(dir);
      await again.start();
      expect(again.node("slave1").state).toBe("up");
      expect(() => process.kill(pid, 0)).not.toThrow();
      expect(await signalled()).toBe("");
      expect(again.warnings.join("\n")).toContain(
        "slave1: removed a postmaster.pid left from before the machine started",
      );
    });
  });
});
