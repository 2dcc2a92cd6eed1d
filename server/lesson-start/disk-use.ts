// How much disk a folder takes: the blocks its files occupy, each file counted once however many names it has
// (what `du -s` reports), so that a store sharing files between snapshots is measured as it really costs.
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";

export interface DiskUse {
  /** Bytes of disk blocks in use. */
  bytes: number;
  /** Files (not folders), each counted once. */
  files: number;
}

export async function diskUse(folder: string): Promise<DiskUse> {
  const seen = new Set<string>();
  const total: DiskUse = { bytes: 0, files: 0 };
  const visit = async (entry: string): Promise<void> => {
    const stat = await fs.lstat(entry).catch(() => null);
    if (!stat) return;
    const inode = `${stat.dev}:${stat.ino}`;
    if (seen.has(inode)) return;
    seen.add(inode);
    total.bytes += stat.blocks * 512;
    if (stat.isDirectory()) {
      const names = await fs.readdir(entry).catch(() => [] as string[]);
      await Promise.all(names.map((name) => visit(path.join(entry, name))));
    } else {
      total.files++;
    }
  };
  await visit(folder);
  return total;
}

/**
 * The bytes of disk blocks a folder takes, as diskUse counts them, by `du -s` where the machine has it: about a
 * fifteenth of the CPU of walking the folder from Node (14 against 220 ms for a lab's 5,000 files), which counts
 * when a workshop measures twenty labs. A file that vanishes during the walk (a server's temporary file) makes du
 * complain and exit 1 with its total still printed; that total is taken.
 */
export async function folderBytes(folder: string): Promise<number> {
  const total = await new Promise<number | undefined>((resolve) => {
    execFile("du", ["-s", "-B1", folder], { env: { LC_ALL: "C", PATH: process.env["PATH"] } }, (_error, stdout) =>
      resolve(parseDu(String(stdout ?? ""))),
    );
  });
  return total ?? (await diskUse(folder)).bytes;
}

function parseDu(stdout: string): number | undefined {
  const match = /^(\d+)\t/.exec(stdout);
  return match ? Number(match[1]) : undefined;
}

/** Bytes as people read them: "315 MB", "1.2 GB" (powers of 1000, as du -h --si). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e3).toFixed(0)} kB`;
}
