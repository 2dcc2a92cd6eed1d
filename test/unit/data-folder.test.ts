// A data folder kept in the object store and brought back: on plain folders made here, so every case of the
// comparison a restore makes can be set up by hand. The lesson-start integration test does the same with the
// lab's real clusters.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isEntry, readDataFolder, syncDataFolder, type Entry } from "../../server/lesson-start/data-folder.ts";
import { ObjectStore } from "../../server/lesson-start/object-store.ts";

const dir = await fs.mkdtemp(path.join(os.tmpdir(), "data-folder-"));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const SEGMENT = 16 * 1024 * 1024;

/** A small cluster-like folder: files in nested folders, two with the same content, a link, WAL segments. */
async function makeFolder(folder: string): Promise<void> {
  await fs.mkdir(path.join(folder, "base", "1"), { recursive: true, mode: 0o700 });
  await fs.mkdir(path.join(folder, "pg_wal"), { mode: 0o700 });
  await fs.writeFile(path.join(folder, "PG_VERSION"), "18\n", { mode: 0o600 });
  await fs.writeFile(path.join(folder, "base", "1", "1259"), Buffer.alloc(8192, 1), { mode: 0o600 });
  await fs.writeFile(path.join(folder, "base", "1", "1260"), Buffer.alloc(8192, 1), { mode: 0o600 });
  await fs.writeFile(path.join(folder, "postgresql.conf"), "wal_level = logical\n", { mode: 0o640 });
  await fs.symlink("base", path.join(folder, "pg_tblspc_link"));
  // A segment holding WAL where its name says, and a recycled one (old WAL under a future name).
  await segment(path.join(folder, "pg_wal", "000000010000000000000002"), 0x02000000n);
  await segment(path.join(folder, "pg_wal", "000000010000000000000003"), 0x01000000n);
}

async function segment(file: string, pageAddress: bigint): Promise<void> {
  const content = Buffer.alloc(SEGMENT);
  content.writeBigUInt64LE(pageAddress, 8);
  content.fill("old WAL records ", 4096);
  await fs.writeFile(file, content, { mode: 0o600 });
}

/** Every entry of a folder as readDataFolder would list it, without the store: to compare two folders. */
async function describeFolder(folder: string): Promise<string[]> {
  const lines: string[] = [];
  const visit = async (relative: string): Promise<void> => {
    const stat = await fs.lstat(path.join(folder, relative));
    const mode = (stat.mode & 0o7777).toString(8);
    if (stat.isDirectory()) {
      lines.push(`${relative}/ ${mode}`);
      for (const name of (await fs.readdir(path.join(folder, relative))).sort()) await visit(path.join(relative, name));
    } else if (stat.isSymbolicLink()) {
      lines.push(`${relative} -> ${await fs.readlink(path.join(folder, relative))}`);
    } else {
      const content = await fs.readFile(path.join(folder, relative));
      lines.push(
        `${relative} ${mode} ${content.length} ${content.subarray(0, 64).toString("hex")} links=${stat.nlink}`,
      );
    }
  };
  await visit(".");
  return lines;
}

async function storedFiles(root: string): Promise<string[]> {
  const prefixes = await fs.readdir(root).catch(() => [] as string[]);
  return (
    await Promise.all(
      prefixes.map(async (prefix) =>
        (await fs.readdir(path.join(root, prefix))).map((name) => path.join(prefix, name)),
      ),
    )
  ).flat();
}

describe("a data folder in the object store", () => {
  const store = new ObjectStore(path.join(dir, "objects"));
  const original = path.join(dir, "original");
  let entries: Entry[] = [];

  it("keeps each content once, the WAL segment compressed, and leaves out the recycled segment", async () => {
    await makeFolder(original);
    entries = await readDataFolder(original, store);
    const files = entries.filter((entry) => entry.kind === "file").map((entry) => entry.path);
    expect(files).toContain(path.join("pg_wal", "000000010000000000000002"));
    expect(files).not.toContain(path.join("pg_wal", "000000010000000000000003"));
    expect(entries.find((entry) => entry.path === "pg_tblspc_link")).toMatchObject({ kind: "link", target: "base" });
    // Five files, two alike: four objects, the segment among them compressed.
    const stored = await storedFiles(store.root);
    expect(stored).toHaveLength(4);
    const compressed = stored.filter((name) => name.endsWith(".br"));
    expect(compressed).toHaveLength(1);
    expect((await fs.stat(path.join(store.root, compressed[0]!))).size).toBeLessThan(SEGMENT / 100);
    expect(entries.every(isEntry)).toBe(true);
  });

  it("makes a missing folder whole again, with the modes kept and no file linked to the store", async () => {
    const restored = path.join(dir, "restored");
    await syncDataFolder(entries, restored, store);
    const expected = (await describeFolder(original)).filter(
      (line) => !line.startsWith(path.join("pg_wal", "000000010000000000000003")),
    );
    expect(await describeFolder(restored)).toEqual(expected);
  });

  it(
    "brings a folder that drifted back: changed, added, " + "removed files, a mode, a file where a folder was",
    async () => {
      const drifted = path.join(dir, "drifted");
      await makeFolder(drifted);
      await fs.writeFile(path.join(drifted, "base", "1", "1259"), Buffer.alloc(8192, 2));
      await fs.writeFile(path.join(drifted, "base", "1", "16384"), "a table made later");
      await fs.rm(path.join(drifted, "PG_VERSION"));
      await fs.chmod(path.join(drifted, "postgresql.conf"), 0o600);
      await fs.rm(path.join(drifted, "base", "1"), { recursive: true });
      await fs.writeFile(path.join(drifted, "base", "1"), "not a folder");
      await fs.mkdir(path.join(drifted, "pg_stat_tmp", "deep"), { recursive: true });
      await fs.writeFile(path.join(drifted, "pg_stat_tmp", "deep", "x"), "x");
      await syncDataFolder(entries, drifted, store);
      const expected = (await describeFolder(original)).filter(
        (line) => !line.startsWith(path.join("pg_wal", "000000010000000000000003")),
      );
      expect(await describeFolder(drifted)).toEqual(expected);
    },
  );

  it("refuses a list whose paths would lead out of the folder, or whose files name no SHA-256", () => {
    const file = { kind: "file", mode: 0o600, uid: 0, gid: 0, size: 1, digest: "a".repeat(64) };
    expect(isEntry({ ...file, path: "base/1/1259" })).toBe(true);
    expect(isEntry({ ...file, path: "../elsewhere" })).toBe(false);
    expect(isEntry({ ...file, path: "base/../../elsewhere" })).toBe(false);
    expect(isEntry({ ...file, path: "/etc/passwd" })).toBe(false);
    expect(isEntry({ ...file, path: "base/1/1259", digest: "../../x" })).toBe(false);
    expect(isEntry({ kind: "device", path: "x", mode: 0, uid: 0, gid: 0 })).toBe(false);
  });
});
