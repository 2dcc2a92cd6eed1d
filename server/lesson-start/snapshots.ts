// Snapshots of the embedded lab's four data folders, one per lesson start, in <dataDir>/snapshots/. A snapshot
// is taken with every server stopped cleanly (a fast shutdown checkpoints), so each folder is a consistent
// cluster that starts without recovery; restoring puts the folders back and starts the servers again.
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { NODE_NAMES, type NodeName } from "../../src/lib/api-types.ts";
import type { EmbeddedLab } from "../lab/embedded/index.ts";

const run = promisify(execFile);

/** What a snapshot remembers besides the folders: where the nodes listened, and which were running. */
interface SnapshotFile {
  lesson: number;
  key: string;
  ports: Record<NodeName, number>;
  running: NodeName[];
}

export class SnapshotStore {
  constructor(private readonly lab: EmbeddedLab) {}

  private get root(): string {
    return path.join(this.lab.dataDir, "snapshots");
  }

  private folder(lesson: number, key: string): string {
    return path.join(this.root, `lesson-${String(lesson).padStart(2, "0")}-${key}`);
  }

  async has(lesson: number, key: string): Promise<boolean> {
    return fs.access(path.join(this.folder(lesson, key), "snapshot.json")).then(() => true, () => false);
  }

  /**
   * Copies the four folders while their servers are stopped, then starts again the nodes that were running.
   * The copy is made beside its final place and renamed into it, so a snapshot that exists is whole; older
   * snapshots of the same lesson (other lessons' sources, another PostgreSQL) are removed.
   */
  async save(lesson: number, key: string): Promise<void> {
    const running = NODE_NAMES.filter((name) => this.lab.node(name).state === "up");
    const target = this.folder(lesson, key);
    const partial = `${target}.partial`;
    await fs.rm(partial, { recursive: true, force: true });
    await fs.mkdir(partial, { recursive: true });
    await this.lab.withNodesStopped(running, async () => {
      await Promise.all(NODE_NAMES.map((name) => copyFolder(this.lab.nodeFolder(name), path.join(partial, name))));
    });
    const file: SnapshotFile = { lesson, key, ports: this.lab.nodePorts(), running };
    await fs.writeFile(path.join(partial, "snapshot.json"), `${JSON.stringify(file, null, 2)}\n`);
    await this.removeLesson(lesson, path.basename(partial));
    await fs.rename(partial, target);
  }

  /** Stops every node, puts the snapshot's folders in place of theirs, and starts the nodes it had running. */
  async restore(lesson: number, key: string): Promise<void> {
    const source = this.folder(lesson, key);
    const file = JSON.parse(await fs.readFile(path.join(source, "snapshot.json"), "utf8")) as SnapshotFile;
    await this.lab.withNodesStopped(file.running, async () => {
      await Promise.all(
        NODE_NAMES.map(async (name) => {
          await fs.rm(this.lab.nodeFolder(name), { recursive: true, force: true });
          await copyFolder(path.join(source, name), this.lab.nodeFolder(name));
        }),
      );
    });
    await this.lab.followPortMoves(file.ports);
  }

  private async removeLesson(lesson: number, keep: string): Promise<void> {
    const prefix = `lesson-${String(lesson).padStart(2, "0")}-`;
    const entries = await fs.readdir(this.root).catch(() => [] as string[]);
    await Promise.all(entries.filter((entry) => entry.startsWith(prefix) && entry !== keep).map((entry) => fs.rm(path.join(this.root, entry), { recursive: true, force: true })));
  }
}

/**
 * `cp -a` rather than fs.cp: it keeps each file's owner and mode, so folders of servers that run as the
 * `postgres` OS user (the lab started as root) stay theirs, and PostgreSQL's check that its folder is 0700 holds.
 */
async function copyFolder(from: string, to: string): Promise<void> {
  await run("cp", ["-a", from, to]);
}
