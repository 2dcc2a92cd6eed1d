// Workshop mode's isolation, proven on real labs: attendee A is a superuser of lab A, and every way a superuser
// reaches beyond the database (running programs, reading and writing server files, large objects, connecting
// to other ports) is tried against lab B and the hub's secrets. Each attempt must fail, and fail for the reason
// the design relies on: the OS refuses A's server user (permission denied), or B's server refuses A's
// password (authentication failed). Meanwhile A's own lessons work: a subscription between A's nodes.
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Lab } from "../../server/lab/lab.ts";
import type { LocalProvider } from "../../server/workshop/provision/local.ts";
import type { ProvidedLab } from "../../server/workshop/provider.ts";
import { waitFor } from "../support/bridge.ts";
import { endAndListUsers, localProvider, sql, sqlAt, workshopDir } from "../support/workshop-labs.ts";

const run = promisify(execFile);
const dir = await workshopDir();
let provider: LocalProvider;
let a: ProvidedLab;
let b: ProvidedLab;
/** B's lab folder, B's master's data folder, and a stand-in for the hub's secrets (root's, mode 0600). */
let bFolder: string;
let bMaster: string;
let hubSecret: string;

/** PostgreSQL's answer when the OS refuses the server's user a file: insufficient_privilege, "Permission denied". */
const PERMISSION_DENIED = { code: "42501", message: expect.stringMatching(/: Permission denied$/) };
const AUTHENTICATION_FAILED = {
  code: "28P01",
  message: 'password authentication failed for user "postgres"',
};

/** Stands for a secret the hub has in its environment (a passphrase given as a variable). */
const CANARY = "hub-secret-in-the-environment";

beforeAll(async () => {
  process.env["WORKSHOP_TEST_CANARY"] = CANARY;
  provider = await localProvider(dir, { poolSize: 0, maxLabs: 2 });
  await provider.start([]);
  [a, b] = await Promise.all([provider.acquire(), provider.acquire()]);
  bFolder = provider.labFolder(b.id);
  bMaster = path.join(bFolder, "master");
  const hub = path.join(dir, "hub");
  await fs.mkdir(hub, { mode: 0o755 });
  hubSecret = path.join(hub, "session-key");
  await fs.writeFile(hubSecret, "the hub's signing key\n", { mode: 0o600 });
}, 180_000);

afterAll(async () => {
  delete process.env["WORKSHOP_TEST_CANARY"];
  await provider?.stop();
  // The workshop's labs and hub go, with every OS user named with its tag.
  expect(await endAndListUsers(dir)).toEqual([]);
  await fs.rm(dir, { recursive: true, force: true });
}, 120_000);

/** Runs a shell command as A's server user from A's superuser SQL; gives what it wrote to stderr. */
async function programAsA(command: string): Promise<{ failed: unknown; stderr: string }> {
  const failed = await sql(
    a.lab,
    "master",
    `COPY (SELECT 1) TO PROGRAM ${quote(`${command} > /dev/null 2> program-stderr.txt`)}`,
  ).then(
    () => null,
    (error: unknown) => error,
  );
  // The server runs programs in its data folder, which is A's own: A reads back what the program said.
  const [{ stderr }] = await sql(a.lab, "master", "SELECT pg_read_file('program-stderr.txt') AS stderr");
  return { failed, stderr };
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function password(lab: Lab): string {
  return lab.endpoint("master").password;
}

describe("an attendee's superuser SQL, against another attendee's lab and the hub", () => {
  it("can't run a program that reads B's data folder (COPY ... TO PROGRAM)", async () => {
    const { failed, stderr } = await programAsA(`cat ${bMaster}/PG_VERSION`);
    expect(failed).toMatchObject({ message: expect.stringMatching(/^program "cat .*" failed$/) });
    expect(stderr).toBe(`cat: ${bMaster}/PG_VERSION: Permission denied\n`);
  });

  it("can't read B's files or list B's folder (pg_read_file, pg_ls_dir, lo_import)", async () => {
    const attempts = [
      `SELECT pg_read_file('${bMaster}/PG_VERSION')`,
      `SELECT pg_read_file('${bFolder}/password')`,
      `SELECT pg_ls_dir('${bFolder}')`,
      `SELECT pg_ls_dir('${bMaster}')`,
      `SELECT lo_import('${bMaster}/PG_VERSION')`,
    ];
    for (const attempt of attempts) {
      await expect(sql(a.lab, "master", attempt), attempt).rejects.toMatchObject(PERMISSION_DENIED);
    }
  });

  it("can't read the hub's secrets (COPY ... FROM a file, pg_read_file)", async () => {
    await expect(
      sql(a.lab, "master", `CREATE TEMP TABLE stolen (line text); COPY stolen FROM '${hubSecret}'`),
    ).rejects.toMatchObject(PERMISSION_DENIED);
    await expect(sql(a.lab, "master", `SELECT pg_read_file('${hubSecret}')`)).rejects.toMatchObject(PERMISSION_DENIED);
  });

  it("can't write into B's folder (COPY ... TO a file)", async () => {
    for (const target of [path.join(bMaster, "intruder"), path.join(bFolder, "intruder")]) {
      await expect(sql(a.lab, "master", `COPY (SELECT 'x') TO '${target}'`), target).rejects.toMatchObject(
        PERMISSION_DENIED,
      );
    }
    await expect(fs.access(path.join(bMaster, "intruder"))).rejects.toThrow(/ENOENT/);
  });

  it("can't log in to B's master with A's password, or with none", async () => {
    const withAs = { ...b.lab.endpoint("master"), password: password(a.lab) };
    await expect(sqlAt(withAs, "SELECT 1")).rejects.toMatchObject(AUTHENTICATION_FAILED);
    // Without a password, a client is asked for one (pg refuses to try; psql says the server wanted one).
    const { port } = b.lab.endpoint("master");
    const psql = ["-w", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-c", "SELECT 1"];
    const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin" };
    const withNone = await run("psql", psql, { env }).then(
      () => null,
      (error: { stderr: string }) => error,
    );
    expect(withNone?.stderr).toMatch(/fe_sendauth: no password supplied/);
  });

  it("can't log in to B's master from A's server either (psql run by COPY ... TO PROGRAM)", async () => {
    const port = b.lab.endpoint("master").port;
    const psql = `psql -w -h 127.0.0.1 -p ${port} -U postgres -d postgres -c 'SELECT 1'`;
    const withAs = await programAsA(`PGPASSWORD=${password(a.lab)} ${psql}`);
    expect(withAs.failed).toMatchObject({ message: expect.stringMatching(/^program ".*" failed$/) });
    expect(withAs.stderr).toMatch(/FATAL: {2}password authentication failed for user "postgres"/);
    const withNone = await programAsA(psql);
    expect(withNone.failed).toMatchObject({ message: expect.stringMatching(/^program ".*" failed$/) });
    expect(withNone.stderr).toMatch(/fe_sendauth: no password supplied/);
  });

  it("can't see the hub's environment from A's server (COPY ... FROM PROGRAM 'env')", async () => {
    await sql(a.lab, "master", "CREATE TABLE seen (line text)");
    await sql(a.lab, "master", "COPY seen FROM PROGRAM 'env'");
    const rows = await sql(a.lab, "master", "SELECT line FROM seen ORDER BY line");
    const lines = rows.map(({ line }: { line: string }) => line);
    expect(lines.filter((line) => line.includes(CANARY))).toEqual([]);
    // What is there is the lab's own: PATH, and what postgres and the shell set (locale, config folder, PWD).
    const names = lines.map((line) => line.split("=")[0]);
    expect(names.filter((name) => !/^(PATH|PWD|SHLVL|_|LC_[A-Z]+|PGSYSCONFDIR)$/.test(name ?? ""))).toEqual([]);
  });

  it("still runs A's own lessons: a subscription between A's nodes replicates a row", async () => {
    const master = a.lab.endpoint("master");
    await sql(
      a.lab,
      "master",
      "CREATE TABLE notes (id int PRIMARY KEY, body text); CREATE PUBLICATION notes_pub FOR TABLE notes",
    );
    await sql(a.lab, "slave1", "CREATE TABLE notes (id int PRIMARY KEY, body text)");
    const conninfo =
      `host=127.0.0.1 port=${master.port} user=postgres password=${master.password} ` + `dbname=${master.database}`;
    await sql(a.lab, "slave1", `CREATE SUBSCRIPTION notes_sub CONNECTION '${conninfo}' PUBLICATION notes_pub`);
    await sql(a.lab, "master", "INSERT INTO notes VALUES (1, 'replicated within A')");
    const rows = await waitFor(async () => {
      const found = await sql(a.lab, "slave1", "SELECT id, body FROM notes");
      return found.length > 0 && found;
    }, 30_000);
    expect(rows).toEqual([{ id: 1, body: "replicated within A" }]);
  });
});
