// "Start this lesson from a known state": the first request replays the lessons before it and keeps a snapshot
// of every lesson start it passes; a later request restores the snapshot, and the lesson then runs as written.
// Snapshots share their files (each content once, in snapshots/objects/): a restored lab must still be whole,
// a snapshot missing a file is never restored, and snapshots no lesson names any more are removed.
import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { FOLLOWERS, NODE_NAMES, type LabStatus, type LessonStartProgress } from "../../shared/api-types.ts";
import { runStep, type Post } from "../../shared/lessons/replay.ts";
import { ObjectStore } from "../../server/lesson-start/object-store.ts";
import type { Entry } from "../../server/lesson-start/data-folder.ts";
import { diskUse } from "../../server/lesson-start/disk-use.ts";
import { bridgeUrl, call, direct, query, waitFor } from "../support/bridge.ts";
import { readLessons } from "../../server/lesson-start/lessons.ts";

const lessons = await readLessons();

const post: Post = async <T>(path: string, body: unknown) => {
  const { status, json } = await call(path, body);
  if (status >= 400) throw new Error(`${path} answered ${status}: ${JSON.stringify(json)}`);
  return json as T;
};

async function finished(): Promise<LessonStartProgress> {
  for (;;) {
    const { json } = await call("/api/lab/lesson-start");
    const progress = json.progress as LessonStartProgress;
    if (progress.phase === "done" || progress.phase === "failed") return progress;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const snapshotsDir = () => path.join(inject("labDataDir"), "snapshots");

/** The lesson starts kept: one file each, lesson-NN-<key>.json. */
async function snapshotFiles(): Promise<string[]> {
  return (await fs.readdir(snapshotsDir())).filter((entry) => /^lesson-\d{2}-[0-9a-f]+\.json$/.test(entry)).sort();
}

/** The stored objects a snapshot file names. */
async function objectsOf(file: string): Promise<Set<string>> {
  const snapshot = JSON.parse(await fs.readFile(path.join(snapshotsDir(), file), "utf8")) as {
    folders: Record<string, Entry[]>;
  };
  return new Set(
    Object.values(snapshot.folders)
      .flat()
      .flatMap((entry) => (entry.kind === "file" ? [ObjectStore.nameOf(entry)] : [])),
  );
}

/** The bytes of the files a snapshot file lists: what a whole copy of its folders would take. */
async function bytesListed(file: string): Promise<number> {
  const snapshot = JSON.parse(await fs.readFile(path.join(snapshotsDir(), file), "utf8")) as {
    folders: Record<string, Entry[]>;
  };
  return Object.values(snapshot.folders)
    .flat()
    .reduce((sum, entry) => sum + (entry.kind === "file" ? entry.size : 0), 0);
}

/** Every file in the object store, as ObjectStore.nameOf names it. */
async function storedObjects(): Promise<string[]> {
  const objects = path.join(snapshotsDir(), "objects");
  const prefixes = await fs.readdir(objects);
  return (
    await Promise.all(
      prefixes.map(async (prefix) =>
        (await fs.readdir(path.join(objects, prefix))).map((name) => path.join(prefix, name)),
      ),
    )
  )
    .flat()
    .sort();
}

async function startLesson(lesson: number): Promise<LessonStartProgress> {
  expect((await call("/api/lab/lesson-start", { lesson })).status).toBe(202);
  return finished();
}

/** Files of the lab's data folders with more than one name: a file shared with a snapshot would be one. */
async function sharedFiles(): Promise<string[]> {
  const shared: string[] = [];
  const visit = async (entry: string): Promise<void> => {
    const stat = await fs.lstat(entry);
    if (stat.isDirectory()) for (const name of await fs.readdir(entry)) await visit(path.join(entry, name));
    else if (stat.isFile() && stat.nlink > 1) shared.push(entry);
  };
  for (const node of NODE_NAMES) await visit(path.join(inject("labDataDir"), node));
  return shared;
}

/** Node states announced on the status panel's feed while `work` runs. */
async function nodeStatesDuring(work: () => Promise<void>): Promise<Record<string, string[]>> {
  const abort = new AbortController();
  const response = await fetch(`${bridgeUrl()}/api/events`, {
    headers: { Authorization: `Bearer ${inject("token")}` },
    signal: abort.signal,
  });
  const seen: Record<string, string[]> = {};
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of response.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      for (const match of buffer.matchAll(/event: node\ndata: (.*)\n\n/g)) {
        const node = JSON.parse(match[1]!) as { name: string; state: string };
        (seen[node.name] ??= []).push(node.state);
      }
      buffer = buffer.slice(buffer.lastIndexOf("\n\n") + 2);
    }
  })().catch(() => {});
  await work();
  abort.abort();
  await reading;
  return seen;
}

describe("starting a lesson from a known state", () => {
  it("refuses a lesson that isn't a number, and one that doesn't exist", async () => {
    expect((await call("/api/lab/lesson-start", { lesson: "nine" })).status).toBe(400);
    const missing = await call("/api/lab/lesson-start", { lesson: 42 });
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toMatch(/no lesson 42/);
    expect(missing.json.error.code).toBe("LAB09");
  });

  it(
    "the first time, replays the lessons before 9 (from the latest start kept, if any) and keeps a " +
      "snapshot of every lesson start; a second request or a reset meanwhile is refused",
    async () => {
      const first = await call("/api/lab/lesson-start", { lesson: 9 });
      expect(first.status).toBe(202);
      const second = await call("/api/lab/lesson-start", { lesson: 3 });
      expect(second.status).toBe(409);
      expect(second.json.error.message).toMatch(/start of lesson 9 .*wait for it to finish/);
      expect(second.json.error.code).toBe("LAB06");
      const reset = await call("/api/lab/reset", {});
      expect(reset.status).toBe(409);
      expect(reset.json.error.message).toMatch(/can't be reset now: it is being brought to the start of lesson 9/);
      expect(reset.json.error.code).toBe("LAB06");
      const done = await finished();
      expect(done.error).toBeUndefined();
      expect(done).toMatchObject({ lesson: 9, how: "replay", phase: "done", snapshots: true });
      expect(done.step).toBe(done.steps);
      const kept = (await snapshotFiles()).map((entry) => entry.slice(0, 9)).sort();
      expect(kept).toEqual([
        "lesson-02",
        "lesson-03",
        "lesson-04",
        "lesson-05",
        "lesson-06",
        "lesson-07",
        "lesson-08",
        "lesson-09",
      ]);
      // Whole copies of the four folders took about 315 MB per lesson start, 2.6 GB for eight; with each content
      // stored once and WAL compressed, the store takes a small part of the folders it lists.
      const listed = (await Promise.all((await snapshotFiles()).map(bytesListed))).reduce(
        (sum, bytes) => sum + bytes,
        0,
      );
      expect((await diskUse(snapshotsDir())).bytes).toBeLessThan(listed / 4);
    },
    300_000,
  );

  it(
    "a restored lab replicates: master's slots are the followers' and keep the WAL from their " +
      "restart_lsn, every follower streams, a row written on master reaches all three, and no file of the " +
      "lab is shared with a snapshot",
    async () => {
      expect(await startLesson(9)).toMatchObject({ lesson: 9, how: "restore", phase: "done" });
      const subscribed = (
        await Promise.all(
          FOLLOWERS.map((node) =>
            direct<{ subslotname: string }>(node, "SELECT subslotname FROM pg_subscription WHERE subenabled"),
          ),
        )
      ).flat();
      expect(subscribed).toHaveLength(3);
      const slots = await waitFor(async () => {
        const rows = await direct<{ slot_name: string; active: boolean; wal_status: string; wal_kept: boolean }>(
          "master",
          `SELECT slot_name, active, wal_status,
                pg_walfile_name(restart_lsn) IN (SELECT name FROM pg_ls_waldir()) AS wal_kept
         FROM pg_replication_slots WHERE slot_type = 'logical' ORDER BY slot_name`,
        );
        return rows.length > 0 && rows.every((row) => row.active) && rows;
      }, 30_000);
      expect(slots.map((slot) => slot.slot_name)).toEqual(subscribed.map((sub) => sub.subslotname).sort());
      for (const slot of slots) expect(slot, slot.slot_name).toMatchObject({ wal_status: "reserved", wal_kept: true });
      await waitFor(
        async () =>
          (await direct("master", "SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'")).length === 3,
        30_000,
      );

      const email = `restored-${Date.now()}@example.com`;
      await direct("master", "INSERT INTO users (name, email) VALUES ('written after a restore', $1)", [email]);
      const { lsn } = (await direct<{ lsn: string }>("master", "SELECT pg_current_wal_lsn() AS lsn"))[0]!;
      for (const node of FOLLOWERS) {
        await waitFor(
          async () => (await direct(node, "SELECT 1 FROM users WHERE email = $1", [email])).length === 1,
          15_000,
        ).catch(() => {
          throw new Error(`${node} never got the row written on master after the restore`);
        });
      }
      // Each slot decoded past the new row: its WAL from restart_lsn on was there to read.
      await waitFor(async () => {
        const decoded = await direct(
          "master",
          "SELECT 1 FROM pg_replication_slots WHERE slot_type = 'logical' AND confirmed_flush_lsn >= $1::pg_lsn",
          [lsn],
        );
        return decoded.length === slots.length;
      }, 15_000);
      expect(await sharedFiles()).toEqual([]);
    },
    120_000,
  );

  it(
    "later, restores lesson 9's start over whatever the lab holds, the nodes shown stopping and back up, " +
      "and lesson 9 then runs as written",
    async () => {
      await query("master", "DROP PUBLICATION IF EXISTS userpub; DROP TABLE IF EXISTS users CASCADE");
      let done: LessonStartProgress | undefined;
      // Cells and the live monitor keep asking while the nodes restart: they get errors, the bridge stays up.
      const monitor = new AbortController();
      const watching = fetch(`${bridgeUrl()}/api/monitor`, {
        headers: { Authorization: `Bearer ${inject("token")}` },
        signal: monitor.signal,
      })
        .then(async (response) => {
          for await (const _chunk of response.body!);
        })
        .catch(() => {});
      let cells = 0;
      const states = await nodeStatesDuring(async () => {
        expect((await call("/api/lab/lesson-start", { lesson: 9 })).status).toBe(202);
        const asking = (async () => {
          while (!done) {
            await call("/api/query", { node: "slave1", sql: "SELECT count(*) FROM users" });
            cells++;
          }
        })();
        done = await finished();
        await asking;
      });
      monitor.abort();
      await watching;
      expect(cells).toBeGreaterThan(0);
      expect(done).toMatchObject({ lesson: 9, how: "restore", phase: "done" });
      for (const node of NODE_NAMES) {
        expect(states[node], node).toEqual(expect.arrayContaining(["stopping", "down", "up"]));
        expect(states[node]!.at(-1), node).toBe("up");
      }
      const lab = (await call("/api/lab")).json as LabStatus;
      const lesson9 = lessons.find((lesson) => lesson.file.startsWith("09"))!;
      for (const [i, step] of lesson9.steps.entries()) {
        const outcome = await runStep(step, lab, post);
        expect(outcome.met, `${lesson9.file}, step ${i + 1}:\n${outcome.what}\n${outcome.reason}`).toBe(true);
      }
    },
    120_000,
  );
  it(
    "never restores a snapshot missing a file: it is dropped, and the lesson start is replayed from the " +
      "latest whole one and kept again",
    async () => {
      const files = await snapshotFiles();
      const lesson3 = files.find((file) => file.startsWith("lesson-03-"))!;
      const others = new Set(
        (await Promise.all(files.filter((file) => file !== lesson3).map(objectsOf))).flatMap((names) => [...names]),
      );
      const own = [...(await objectsOf(lesson3))].find((name) => !others.has(name));
      expect(own, "lesson 3's start has a file of its own (its pg_control at least)").toBeDefined();
      await fs.rm(path.join(snapshotsDir(), "objects", own!));

      const done = await startLesson(3);
      expect(done.error).toBeUndefined();
      const lesson2 = lessons.find((lesson) => lesson.file.startsWith("02"))!;
      expect(done).toMatchObject({ lesson: 3, how: "replay", phase: "done", steps: lesson2.steps.length });
      expect(await snapshotFiles()).toEqual(files);
      const stored = new Set(await storedObjects());
      expect([...(await objectsOf(lesson3))].filter((name) => !stored.has(name))).toEqual([]);
    },
    120_000,
  );

  it(
    "keeping a new lesson start removes the snapshots no lesson names any more (other keys, the older " +
      "whole-folder kind) and the stored files only they held",
    async () => {
      const root = snapshotsDir();
      const current = await snapshotFiles();
      // Lesson 4's start as it was before its lessons changed: another key, and one file no current start has.
      const staleObject = { digest: "ab".repeat(32), size: 5 };
      const stale = JSON.parse(
        await fs.readFile(
          path.join(
            root,
            current.find((file) => file.startsWith("lesson-04-"))!,
          ),
          "utf8",
        ),
      );
      stale.folders.master.push({
        path: "left-by-an-old-lesson",
        kind: "file",
        mode: 0o600,
        uid: 0,
        gid: 0,
        ...staleObject,
      });
      await fs.writeFile(path.join(root, "lesson-04-0123456789abcdef01234567.json"), JSON.stringify(stale));
      await fs.mkdir(path.join(root, "objects", "ab"), { recursive: true });
      await fs.writeFile(path.join(root, "objects", ObjectStore.nameOf(staleObject)), "stale");
      // A snapshot as the lab kept them before: whole data folders.
      await fs.mkdir(path.join(root, "lesson-04-76543210fedcba9876543210", "master"), { recursive: true });
      await fs.writeFile(path.join(root, "lesson-04-76543210fedcba9876543210", "master", "PG_VERSION"), "18\n");
      // Lesson 3's start is made again, which prunes.
      await fs.rm(
        path.join(
          root,
          current.find((file) => file.startsWith("lesson-03-"))!,
        ),
      );

      const done = await startLesson(3);
      expect(done.error).toBeUndefined();
      expect(done).toMatchObject({ lesson: 3, how: "replay", phase: "done" });
      expect((await fs.readdir(root)).sort()).toEqual([...current, "objects"].sort());
      const needed = new Set((await Promise.all(current.map(objectsOf))).flatMap((names) => [...names]));
      expect(await storedObjects()).toEqual([...needed].sort());
    },
    120_000,
  );
});
