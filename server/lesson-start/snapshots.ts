// Snapshots of the embedded lab's four data folders, one per lesson start, in <dataDir>/snapshots/. A snapshot
// is taken with every server stopped cleanly (a fast shutdown checkpoints), so each folder is a consistent
// cluster that starts without recovery; restoring puts the folders back and starts the servers again.
//
// On disk: one file per lesson start, lesson-NN-<key>.json, listing each node's folders and files, and the
// files' contents in objects/, each content once (object-store.ts). A lesson start costs only what changed since
// the others were kept, and WAL segments kept for reuse are left out (wal-segments.ts).
import fs from "node:fs/promises";
import path from "node:path";
import { NODE_NAMES, type NodeName } from "../../shared/api-types.ts";
import type { Lab, LocalServers } from "../lab/lab.ts";
import { diskUse } from "./disk-use.ts";
import { allStored, isEntry, readDataFolder, syncDataFolder, type Entry } from "./data-folder.ts";
import { ObjectStore } from "./object-store.ts";

/** What a snapshot remembers: where the nodes listened, which were running, and each node's data folder. */
interface SnapshotFile {
  lesson: number;
  key: string;
  ports: Record<NodeName, number>;
  running: NodeName[];
  folders: Record<NodeName, Entry[]>;
}

/** A lesson start, as the lessons' sources name it now. */
export interface LessonStartName {
  lesson: number;
  key: string;
}

export class SnapshotStore {
  constructor(
    private readonly lab: Lab,
    /** The lab's servers on this machine (lab.localServers()): only their folders can be kept and restored. */
    private readonly local: LocalServers,
  ) {}

  private get root(): string {
    return path.join(this.local.dataDir, "snapshots");
  }

  private get objects(): ObjectStore {
    return new ObjectStore(path.join(this.root, "objects"));
  }

  private file(lesson: number, key: string): string {
    return path.join(this.root, fileName({ lesson, key }));
  }

  async has(lesson: number, key: string): Promise<boolean> {
    return fs.access(this.file(lesson, key)).then(
      () => true,
      () => false,
    );
  }

  /**
   * Stores the four folders while their servers are stopped, then starts again the nodes that were running.
   * The list is written beside its final name and renamed into it once every file it names is stored, so a
   * snapshot that exists is whole.
   */
  async save(lesson: number, key: string): Promise<void> {
    const running = NODE_NAMES.filter((name) => this.lab.node(name).state === "up");
    // The folders hold the lab's password hashes and the subscriptions' connection strings: the owner's alone.
    await fs.mkdir(this.root, { recursive: true, mode: 0o700 });
    await fs.chmod(this.root, 0o700);
    const objects = this.objects;
    const folders = {} as Record<NodeName, Entry[]>;
    await this.local.withNodesStopped(running, async () => {
      await Promise.all(
        NODE_NAMES.map(async (name) => (folders[name] = await readDataFolder(this.local.nodeFolder(name), objects))),
      );
    });
    const snapshot: SnapshotFile = { lesson, key, ports: this.local.nodePorts(), running, folders };
    const target = this.file(lesson, key);
    await fs.writeFile(`${target}.partial`, JSON.stringify(snapshot), { mode: 0o600 });
    await fs.rename(`${target}.partial`, target);
  }

  /**
   * Stops every node, makes their folders the snapshot's, and starts the nodes it had running.
   * Returns false, having removed it, for a snapshot whose files are not all in the store (deleted by hand,
   * a disk error): it is never restored in part. A restore that fails midway leaves empty folders, which the
   * nodes start from as new clusters, rather than clusters made of two states.
   */
  async restore(lesson: number, key: string): Promise<boolean> {
    const snapshot = await this.read(lesson, key);
    const objects = this.objects;
    const whole =
      snapshot &&
      (await Promise.all(NODE_NAMES.map((name) => allStored(snapshot.folders[name], objects)))).every(Boolean);
    if (!snapshot || !whole) {
      await fs.rm(this.file(lesson, key), { force: true });
      return false;
    }
    await this.local.withNodesStopped(snapshot.running, async () => {
      const folders = NODE_NAMES.map((name) => this.local.nodeFolder(name));
      try {
        await Promise.all(NODE_NAMES.map((name, i) => syncDataFolder(snapshot.folders[name], folders[i]!, objects)));
      } catch (error) {
        await Promise.all(folders.map((folder) => fs.rm(folder, { recursive: true, force: true })));
        throw error;
      }
    });
    await this.local.followPortMoves(snapshot.ports);
    return true;
  }

  /**
   * Removes every snapshot that no lesson start in `current` names (made before a lesson's cells or the
   * PostgreSQL version changed, or by an older version of the lab, which kept whole folders), then every
   * stored file that no snapshot left needs.
   */
  async prune(current: readonly LessonStartName[]): Promise<void> {
    const wanted = new Set(current.map(fileName));
    const entries = await fs.readdir(this.root).catch(() => [] as string[]);
    const stale = entries.filter((entry) => entry !== "objects" && !wanted.has(entry));
    await Promise.all(stale.map((entry) => fs.rm(path.join(this.root, entry), { recursive: true, force: true })));
    const kept = new Set<string>();
    for (const name of current) {
      const snapshot = await this.read(name.lesson, name.key);
      for (const entry of Object.values(snapshot?.folders ?? {}).flat())
        if (entry.kind === "file") kept.add(ObjectStore.nameOf(entry));
    }
    await this.objects.sweep(kept);
  }

  /** How many lesson starts are kept, the disk they take, and what whole copies of their folders would. */
  async usage(): Promise<{ starts: number; bytes: number; listed: number }> {
    const files = (await fs.readdir(this.root).catch(() => [] as string[])).filter((entry) =>
      /^lesson-\d+-[0-9a-f]+\.json$/.test(entry),
    );
    let listed = 0;
    for (const file of files) {
      const snapshot = JSON.parse(await fs.readFile(path.join(this.root, file), "utf8")) as SnapshotFile;
      for (const entry of Object.values(snapshot.folders).flat()) if (entry.kind === "file") listed += entry.size;
    }
    return { starts: files.length, bytes: (await diskUse(this.root)).bytes, listed };
  }

  private async read(lesson: number, key: string): Promise<SnapshotFile | null> {
    const text = await fs.readFile(this.file(lesson, key), "utf8").catch(() => null);
    let snapshot: SnapshotFile | null = null;
    try {
      snapshot = text === null ? null : (JSON.parse(text) as SnapshotFile);
    } catch {
      // A file that isn't JSON is a damaged snapshot, treated as a missing one.
    }
    const folders = snapshot?.folders;
    const running = Array.isArray(snapshot?.running) && snapshot.running.every((name) => NODE_NAMES.includes(name));
    return running &&
      folders &&
      NODE_NAMES.every((name) => Array.isArray(folders[name]) && folders[name].every(isEntry))
      ? snapshot
      : null;
  }
}

function fileName({ lesson, key }: LessonStartName): string {
  return `lesson-${String(lesson).padStart(2, "0")}-${key}.json`;
}
