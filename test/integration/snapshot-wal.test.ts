// A snapshot leaves out the WAL segments a stopped server keeps only for reuse, and nothing a replication slot
// still needs: a slot that lags several segments behind decodes, after a restore, the changes it had not yet
// given out. On a lab of its own, so that the WAL can be pushed around freely.
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config.ts";
import { EmbeddedLab } from "../../server/lab/embedded/index.ts";
import type { Entry } from "../../server/lesson-start/data-folder.ts";
import { SnapshotStore } from "../../server/lesson-start/snapshots.ts";
import { freeBase, tempDir } from "../support/temp-dir.ts";

const dataDir = await tempDir("lab-snapshot-wal");
const lab = new EmbeddedLab(loadConfig({ LAB_DATA_DIR: dataDir, LAB_PG_PORT: String(await freeBase()) }));
afterAll(async () => {
  await lab.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function sql<T extends pg.QueryResultRow = any>(text: string): Promise<T[]> {
  const client = new pg.Client(lab.endpoint("master"));
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** Writes about a segment's worth of WAL rows into `t` and moves to the next segment. */
async function fillSegment(label: string): Promise<void> {
  await sql(`INSERT INTO t SELECT '${label}', repeat('x', 1000) FROM generate_series(1, 12000)`);
  await sql("SELECT pg_switch_wal()");
}

const segmentsIn = async (folder: string) =>
  (await fs.readdir(path.join(folder, "pg_wal"))).filter((name) => /^[0-9A-F]{24}$/.test(name)).sort();

describe("the WAL in a snapshot", () => {
  it(
    "keeps every segment from a lagging slot's restart_lsn on, leaves out the recycled ones, and the " +
      "slot decodes after a restore",
    async () => {
      await lab.start();
      await sql("CREATE TABLE t (label text, filler text)");
      // Old WAL, checkpointed away: its segments are recycled under future names.
      for (const round of ["a", "b", "c"]) await fillSegment(`old ${round}`);
      await sql("CHECKPOINT");
      await sql("SELECT pg_create_logical_replication_slot('behind', 'test_decoding')");
      await sql("INSERT INTO t VALUES ('kept for the slot', '')");
      for (const round of ["d", "e", "f"]) await fillSegment(`newer ${round}`);
      await sql("CHECKPOINT");
      const [before] = await sql<{ restart: string; current: string }>(
        "SELECT pg_walfile_name(restart_lsn) AS restart, pg_walfile_name(pg_current_wal_lsn()) AS current " +
          "FROM pg_replication_slots WHERE slot_name = 'behind'",
      );
      const live = await segmentsIn(lab.nodeFolder("master"));
      const needed = live.filter((name) => name >= before!.restart && name <= before!.current);
      expect(needed.length, "the slot holds several segments").toBeGreaterThanOrEqual(3);
      expect(
        live.some((name) => name > before!.current),
        "recycled segments wait under future names",
      ).toBe(true);

      const store = new SnapshotStore(lab, lab.localServers());
      await store.save(2, "wal-test");
      const snapshot = JSON.parse(
        await fs.readFile(path.join(dataDir, "snapshots", "lesson-02-wal-test.json"), "utf8"),
      ) as { folders: Record<string, Entry[]> };
      const stored = snapshot.folders
        .master!.filter((entry) => entry.kind === "file" && /^pg_wal\/[0-9A-F]{24}$/.test(entry.path))
        .map((entry) => entry.path.slice(7));
      // The shutdown checkpoint may have begun one more segment; nothing past it is kept.
      expect(stored.slice(0, needed.length)).toEqual(needed);
      expect(stored.length - needed.length).toBeLessThanOrEqual(1);

      // The slot moves on and the WAL it held is removed; the restore brings both back.
      await sql("SELECT pg_replication_slot_advance('behind', pg_current_wal_lsn())");
      await sql("SELECT pg_switch_wal()");
      await sql("CHECKPOINT");
      expect(await store.restore(2, "wal-test")).toBe(true);
      const [slot] = await sql<{ wal_status: string; restart: string }>(
        "SELECT wal_status, pg_walfile_name(restart_lsn) AS restart FROM pg_replication_slots WHERE " +
          "slot_name = 'behind'",
      );
      expect(slot).toEqual({ wal_status: "reserved", restart: before!.restart });
      // The first change it gives out is the one made just after it was created, in the oldest segment it holds.
      const changes = await sql<{ data: string }>("SELECT data FROM pg_logical_slot_peek_changes('behind', NULL, 1)");
      expect(changes.map((change) => change.data)).toEqual([
        expect.stringMatching(/^BEGIN/),
        expect.stringContaining("kept for the slot"),
        expect.stringMatching(/^COMMIT/),
      ]);
    },
    180_000,
  );
});
