// Issue 10, item 11: the walkthrough's postgres/postgres let any account on the machine log in to the lab's
// nodes as a superuser (and run programs as the lab's OS user with COPY ... TO PROGRAM). The embedded lab now
// makes a password of its own, readable by its owner only, and migrates labs made with the old one.
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import { NODE_NAMES, type NodeName } from "../../shared/api-types.ts";
import { loadConfig } from "../../server/config.ts";
import { EmbeddedLab } from "../../server/lab/embedded/index.ts";
import { requirePsql } from "../../scripts/prerequisites.ts";
import { nodeConninfo, nodeLogin, waitFor } from "../support/bridge.ts";
import { freeBase, tempDir } from "../support/temp-dir.ts";

const WALKTHROUGH = "postgres";

/** What a login to a node as postgres with that password comes to: "in", or the SQLSTATE it was refused with. */
async function login(port: number, password: string): Promise<string> {
  const client = new pg.Client({
    host: "127.0.0.1",
    port,
    user: "postgres",
    password,
    database: "replication",
    connectionTimeoutMillis: 5000,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return "in";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const mode = async (file: string) => (await fs.stat(file)).mode & 0o777;

/** Runs a program as another OS user (uid/gid given) or as this one, and says how it ended and what it printed. */
function runAs(
  user: { uid: number; gid: number } | undefined,
  command: string,
  args: string[],
  env: Record<string, string> = {},
) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(command, args, {
      ...(user ?? {}),
      cwd: "/",
      // No HOME of the test's user: psql would look for its ~/.pgpass there.
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: "/nonexistent", LC_ALL: "C", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });
}

describe("the lab's own password", () => {
  const passwordFile = () => path.join(inject("labDataDir"), "password");

  it("every node refuses the walkthrough's postgres/postgres (28P01) and takes the lab's password", async () => {
    for (const node of NODE_NAMES) {
      const { port } = nodeLogin(node);
      expect(await login(port, WALKTHROUGH), `${node} with postgres/postgres`).toBe("28P01");
      expect(await login(port, inject("pgPassword")), `${node} with the lab's password`).toBe("in");
    }
  });

  it("is kept in <dataDir>/password, mode 600, random, and is what {{master}} carries", async () => {
    const password = inject("pgPassword");
    expect(await mode(passwordFile())).toBe(0o600);
    expect((await fs.readFile(passwordFile(), "utf8")).trim()).toBe(password);
    expect(password).not.toBe(WALKTHROUGH);
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await nodeConninfo("master")).toBe(
      `host=127.0.0.1 port=${nodeLogin("master").port} user=postgres password=${password} dbname=replication`,
    );
  });

  it("the server logs are the owner's alone: folder mode 700, files 600", async () => {
    const logs = path.join(inject("labDataDir"), "logs");
    expect(await mode(logs)).toBe(0o700);
    for (const node of NODE_NAMES) expect(await mode(path.join(logs, `${node}.log`)), `${node}.log`).toBe(0o600);
  });

  const root = process.getuid?.() === 0;
  it(
    root
      ? "another OS user (nobody) can't read the password file or the logs, and psql as postgres/postgres is " +
          "refused; given the password, it gets in"
      : "psql as postgres/postgres is refused (as this user: the part as another OS user needs root, as CI " +
          "runs, and was not run)",
    async () => {
      const other = root ? { uid: 65534, gid: 65534 } : undefined;
      if (other) {
        const cat = await runAs(other, "cat", [passwordFile()]);
        expect(cat.code, cat.output).not.toBe(0);
        expect(cat.output).toContain("Permission denied");
        const log = await runAs(other, "cat", [path.join(inject("labDataDir"), "logs", "master.log")]);
        expect(log.code, log.output).not.toBe(0);
        expect(log.output).toContain("Permission denied");
      }
      const { port } = nodeLogin("master");
      const conninfo = `host=127.0.0.1 port=${port} user=postgres dbname=replication`;
      const attack = await runAs(
        other,
        requirePsql(),
        ["-X", "-w", conninfo, "-c", "COPY (SELECT 1) TO PROGRAM 'id'"],
        { PGPASSWORD: WALKTHROUGH },
      );
      expect(attack.code, attack.output).toBe(2);
      expect(attack.output).toContain('password authentication failed for user "postgres"');
      // The same command with the password gets in: what stops it is the password, nothing else.
      const owner = await runAs(other, requirePsql(), ["-X", "-w", "-A", "-t", conninfo, "-c", "SELECT current_user"], {
        PGPASSWORD: inject("pgPassword"),
      });
      expect(owner, owner.output).toEqual({ code: 0, output: "postgres\n" });
    },
  );
});

describe("a lab made with the walkthrough's password", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function newLab(dataDir: string, env: Record<string, string> = {}) {
    const lab = new EmbeddedLab(loadConfig({ LAB_DATA_DIR: dataDir, ...env }));
    cleanups.push(() => lab.stop());
    return lab;
  }

  async function sql(lab: EmbeddedLab, node: NodeName, text: string) {
    const client = new pg.Client(lab.endpoint(node));
    await client.connect();
    try {
      return (await client.query(text)).rows;
    } finally {
      await client.end();
    }
  }

  it(
    "is moved to a password of its own at start, " + "subscriptions included, said once; replication still works",
    async () => {
      const dir = await tempDir("lab-migrate");
      cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
      const file = path.join(dir, "password");
      // A password file holding "postgres" makes the lab what every lab was before: postgres/postgres.
      await fs.writeFile(file, `${WALKTHROUGH}\n`, { mode: 0o600 });
      const old = newLab(dir, { LAB_PG_PORT: String(await freeBase()) });
      await old.start();
      const master = old.node("master").conninfo;
      expect(master).toContain("password=postgres");
      for (const node of ["master", "slave1"] as const) await sql(old, node, "CREATE TABLE users (id int PRIMARY KEY)");
      await sql(old, "master", "CREATE PUBLICATION userpub FOR TABLE users");
      await sql(old, "slave1", `CREATE SUBSCRIPTION usersub CONNECTION '${master}' PUBLICATION userpub`);
      await sql(old, "master", "INSERT INTO users VALUES (1)");
      await waitFor(async () => (await sql(old, "slave1", "SELECT id FROM users")).length === 1, 20_000);
      await old.stop();
      // As the code before this change left them: no password file, logs readable by everyone.
      await fs.rm(file);
      await fs.chmod(path.join(dir, "logs"), 0o755);
      await fs.chmod(path.join(dir, "logs", "master.log"), 0o644);

      const lab = newLab(dir);
      await lab.start();
      const password = (await fs.readFile(file, "utf8")).trim();
      expect(password).not.toBe(WALKTHROUGH);
      expect(await mode(file)).toBe(0o600);
      for (const node of NODE_NAMES) {
        expect(lab.warnings).toContain(
          `${node}: the superuser postgres had the walkthrough's password "postgres", which lets any user of ` +
            `this machine ` +
            `log in; it now has the lab's own, from ${file}`,
        );
        expect(await login(lab.node(node).port, WALKTHROUGH), `${node} with postgres/postgres`).toBe("28P01");
        expect(await login(lab.node(node).port, password), `${node} with the lab's password`).toBe("in");
      }
      expect(lab.warnings).toContain(
        `slave1: subscription usersub now logs in to master with the lab's password (it had the ` +
          `walkthrough's "postgres")`,
      );
      expect(lab.warnings).toContain(
        `the server logs in ${path.join(dir, "logs")} could be read by other users; they are now readable by you only`,
      );
      expect(await mode(path.join(dir, "logs"))).toBe(0o700);
      expect(await mode(path.join(dir, "logs", "master.log"))).toBe(0o600);
      expect(await sql(lab, "slave1", "SELECT subconninfo FROM pg_subscription")).toEqual([
        { subconninfo: lab.node("master").conninfo },
      ]);
      await sql(lab, "master", "INSERT INTO users VALUES (2)");
      await waitFor(async () => (await sql(lab, "slave1", "SELECT id FROM users ORDER BY id")).length === 2, 20_000);
      await lab.stop();

      // Once done, it is done: the next start changes nothing, and only tightens a password file opened up since.
      await fs.chmod(file, 0o644);
      const again = newLab(dir);
      await again.start();
      expect(again.warnings).toEqual([
        `the lab's password file ${file} could be read by other users; it is now readable by you only (mode 600)`,
      ]);
      expect(await mode(file)).toBe(0o600);
      expect(again.endpoint("master").password).toBe(password);
    },
    120_000,
  );
});
