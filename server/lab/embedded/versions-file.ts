// The PostgreSQL majors last chosen on the lab page, kept in the lab's data folder so that the next `npm start`
// runs each node on the major its data folder was made by. LAB_PG_VERSIONS, when given, wins over it.
import fs from "node:fs/promises";
import path from "node:path";
import { NODE_NAMES, type NodeName } from "../../../shared/api-types.ts";
import { isPgMajor, type PgMajor, type PgVersions } from "../../pg-majors.ts";

export function versionsFile(dataDir: string): string {
  return path.join(dataDir, "versions.json");
}

/**
 * The versions kept by the last switch on the lab page, or null when there is no such file. A file that is not
 * what the lab writes (edited by hand) is not followed: the lab says so and uses the default.
 */
export async function savedVersions(dataDir: string, note: (text: string) => void): Promise<PgVersions | null> {
  const file = versionsFile(dataDir);
  const text = await fs.readFile(file, "utf8").catch(() => null);
  if (text === null) return null;
  let versions: unknown;
  try {
    versions = (JSON.parse(text) as { versions?: unknown }).versions;
  } catch {
    versions = undefined;
  }
  const record = versions as Record<string, unknown> | undefined;
  if (!record || !NODE_NAMES.every((name) => isPgMajor(record[name]))) {
    note(`${file} does not list a PostgreSQL major (14 to 18) for every node, so it is not followed`);
    return null;
  }
  return Object.fromEntries(NODE_NAMES.map((name) => [name, record[name]])) as Record<NodeName, PgMajor>;
}

/** Written whole to a new file, then renamed over the old one, so that a crash never leaves half a file. */
export async function saveVersions(dataDir: string, versions: PgVersions): Promise<void> {
  const file = versionsFile(dataDir);
  const partial = `${file}.partial-${process.pid}`;
  await fs.writeFile(partial, `${JSON.stringify({ versions }, null, 2)}\n`);
  await fs.rename(partial, file);
}
