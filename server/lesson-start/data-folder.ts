// A stopped node's data folder as a list of entries (folders, files by their content in the object store,
// symbolic links), with each one's mode and owner, and a folder brought back to such a list. Owners are kept so
// that the folders of servers run as the `postgres` OS user (the lab started as root) stay theirs, and modes so
// that PostgreSQL's check that its folder is 0700 holds.
import type { Stats } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { digestOf, OBJECT_MODE, type ObjectRef, type ObjectStore } from "./object-store.ts";
import { isSpareSegment } from "./wal-segments.ts";

interface Owned {
  /** Relative to the data folder; "." is the folder itself. */
  path: string;
  mode: number;
  uid: number;
  gid: number;
}

export type Entry =
  (Owned & { kind: "folder" }) | (Owned & ObjectRef & { kind: "file" }) | (Owned & { kind: "link"; target: string });

/** How many files of one folder are read or written at once: enough to keep the disk and the thread pool busy. */
const AT_ONCE = 16;

/** Lists `folder` (its server stopped) and puts its files in the store, leaving out WAL segments kept for reuse. */
export async function readDataFolder(folder: string, store: ObjectStore): Promise<Entry[]> {
  const found = await listFolder(folder);
  const entries: Entry[] = [];
  const files: { path: string; stat: Stats }[] = [];
  for (const { path: relative, stat } of found) {
    const owned = { path: relative, mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid };
    if (stat.isDirectory()) entries.push({ ...owned, kind: "folder" });
    else if (stat.isSymbolicLink())
      entries.push({ ...owned, kind: "link", target: await fs.readlink(path.join(folder, relative)) });
    else if (!(await isSpareSegmentAt(folder, relative, stat))) files.push({ path: relative, stat });
  }
  const stored: Entry[] = [];
  await forEach(files, async ({ path: relative, stat }) => {
    const ref = await store.put(path.join(folder, relative), stat.size);
    stored.push({ path: relative, mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid, kind: "file", ...ref });
  });
  // Folders come first, each before what it holds, as syncDataFolder makes them.
  return [...entries, ...stored.sort((a, b) => (a.path < b.path ? -1 : 1))];
}

/**
 * `value` is an entry as readDataFolder makes them: a relative path that stays inside the folder, and for a file
 * a SHA-256 and a size. A snapshot's list is read back from disk, and a restore writes where it says.
 */
export function isEntry(value: unknown): value is Entry {
  const entry = value as Partial<Record<string, unknown>> | null;
  if (
    typeof entry?.path !== "string" ||
    path.isAbsolute(entry.path) ||
    path.normalize(entry.path).split(path.sep).includes("..")
  )
    return false;
  if (![entry.mode, entry.uid, entry.gid].every(Number.isInteger)) return false;
  if (entry.kind === "file")
    return typeof entry.digest === "string" && /^[0-9a-f]{64}$/.test(entry.digest) && Number.isInteger(entry.size);
  return entry.kind === "folder" || (entry.kind === "link" && typeof entry.target === "string");
}

/** Every object `entries` name is in the store: a snapshot is whole. */
export async function allStored(entries: readonly Entry[], store: ObjectStore): Promise<boolean> {
  const files = entries.filter((entry) => entry.kind === "file");
  const found = await Promise.all(files.map((file) => store.has(file)));
  return found.every(Boolean);
}

/**
 * Makes `folder` (its server stopped) hold exactly `entries`. What is there already with the same content, mode
 * and owner stays: between two lesson starts most of a cluster is unchanged (its template databases, most
 * catalogs), and reading a file to compare costs far less than writing it. Everything else is removed, or
 * copied out of the store, never linked to it: PostgreSQL rewrites its files in place, and a linked file would
 * change the snapshot with it.
 */
export async function syncDataFolder(entries: readonly Entry[], folder: string, store: ObjectStore): Promise<void> {
  const wanted = new Map(entries.map((entry) => [entry.path, entry]));
  const present = new Map((await listFolder(folder)).map(({ path: relative, stat }) => [relative, stat]));
  // Deepest first, so that a folder is emptied before it goes.
  for (const [relative, stat] of [...present].reverse()) {
    if (wanted.get(relative)?.kind !== kindOf(stat)) {
      await fs.rm(path.join(folder, relative), { recursive: true, force: true });
      present.delete(relative);
    }
  }
  for (const entry of entries.filter((entry) => entry.kind === "folder")) {
    const absolute = path.join(folder, entry.path);
    if (!present.has(entry.path)) await fs.mkdir(absolute, { mode: 0o700 });
    await setOwnerAndMode(absolute, entry, present.get(entry.path));
  }
  await forEach(entries, async (entry) => {
    const absolute = path.join(folder, entry.path);
    const stat = present.get(entry.path);
    if (entry.kind === "file") {
      if (stat && stat.size === entry.size && (await digestOf(absolute, stat.size)) === entry.digest)
        return setOwnerAndMode(absolute, entry, stat);
      if (stat) await fs.unlink(absolute);
      await store.copyOut(entry, absolute);
      await setOwnerAndMode(absolute, entry, {
        mode: OBJECT_MODE,
        uid: process.getuid?.() ?? -1,
        gid: process.getgid?.() ?? -1,
      });
    } else if (entry.kind === "link") {
      if (stat && (await fs.readlink(absolute)) === entry.target) return setOwnerAndMode(absolute, entry, stat);
      if (stat) await fs.unlink(absolute);
      await fs.symlink(entry.target, absolute);
      await setOwnerAndMode(absolute, entry, undefined);
    }
  });
}

/** Every entry under `folder`, the folder itself first as ".", each folder before what it holds. */
async function listFolder(folder: string): Promise<{ path: string; stat: Stats }[]> {
  const found: { path: string; stat: Stats }[] = [];
  const visit = async (relative: string): Promise<void> => {
    const stat = await fs.lstat(path.join(folder, relative));
    found.push({ path: relative, stat });
    if (!stat.isDirectory()) return;
    for (const name of (await fs.readdir(path.join(folder, relative))).sort()) await visit(path.join(relative, name));
  };
  const exists = await fs.lstat(folder).then(
    () => true,
    () => false,
  );
  if (exists) await visit(".");
  return found;
}

function kindOf(stat: Stats): Entry["kind"] | "other" {
  if (stat.isDirectory()) return "folder";
  if (stat.isSymbolicLink()) return "link";
  return stat.isFile() ? "file" : "other";
}

function isSpareSegmentAt(folder: string, relative: string, stat: Stats): Promise<boolean> {
  if (path.dirname(relative) !== "pg_wal") return Promise.resolve(false);
  return isSpareSegment(path.join(folder, relative), path.basename(relative), stat.size);
}

/**
 * Gives `absolute` the entry's owner (when running as root, as the lab does to run its servers as `postgres`)
 * and mode, each only where it differs from what `now` says: a restore goes over thousands of files.
 */
async function setOwnerAndMode(
  absolute: string,
  entry: Entry,
  now: Pick<Stats, "mode" | "uid" | "gid"> | undefined,
): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  if (asRoot && (entry.uid !== now?.uid || entry.gid !== now?.gid)) await fs.lchown(absolute, entry.uid, entry.gid);
  // A symbolic link's own mode means nothing on Linux, and a folder's given at creation went through the umask.
  if (entry.kind !== "link" && (now === undefined || entry.mode !== (now.mode & 0o7777)))
    await fs.chmod(absolute, entry.mode);
}

/** Runs `work` on every item, AT_ONCE at a time. */
async function forEach<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, items.length) }, worker));
}
