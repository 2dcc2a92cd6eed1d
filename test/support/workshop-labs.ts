// Workshop labs for the tests: a local provider in a folder of its own, and SQL run on a lab's node as its
// superuser, with the lab's own password (what an attendee's cells run as).
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import { promisify } from "node:util";
import pg from "pg";
import type { NodeName } from "../../shared/api-types.ts";
import { loadConfig } from "../../server/config.ts";
import type { Endpoint, Lab } from "../../server/lab/lab.ts";
import { osUsersNamed } from "../../server/lab/embedded/postgres-user.ts";
import { endWorkshop } from "../../server/workshop/end.ts";
import { LocalProvider, type LocalProviderOptions } from "../../server/workshop/provision/local.ts";
import { readWorkshopTag, userPrefix } from "../../server/workshop/workshop-tag.ts";
import { freeBase, tempDir } from "./temp-dir.ts";

const run = promisify(execFile);

/** A workshop folder the labs' users can pass through to (tempDir makes it 0755). */
export async function workshopDir(): Promise<string> {
  return tempDir("workshop");
}

export async function localProvider(dir: string, options: Partial<LocalProviderOptions> = {}) {
  return new LocalProvider({
    workshopDir: dir,
    poolSize: 1,
    maxLabs: 2,
    basePort: await freeBase(40),
    config: loadConfig({ LAB_DATA_DIR: dir }),
    ...options,
  });
}

/** Runs `text` on a node of `lab` as its superuser and gives the rows; a failure rejects with PostgreSQL's error. */
export function sql(lab: Lab, node: NodeName, text: string, values: unknown[] = []) {
  return sqlAt(lab.endpoint(node), text, values);
}

/** Runs `text` as whoever `endpoint` says, wherever it says. */
export async function sqlAt(endpoint: Endpoint, text: string, values: unknown[] = []) {
  const client = new pg.Client({ ...endpoint, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The uid an OS user has. */
export async function uidOf(user: string): Promise<number> {
  return Number.parseInt((await run("id", ["-u", user])).stdout, 10);
}

/** The uid a process runs as, and its supplementary groups, from /proc. */
export async function processIdentity(pid: number): Promise<{ uid: number; groups: string }> {
  const status = await fs.readFile(`/proc/${pid}/status`, "utf8");
  return {
    uid: Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]),
    groups: /^Groups:(.*)$/m.exec(status)?.[1]?.trim() ?? "",
  };
}

/**
 * Ends the workshop in `dir` as `npm run workshop -- --end` does, and gives the OS users named with its tag that
 * are still there afterwards: none, when every lab's user and the hub's went with it.
 */
export async function endAndListUsers(dir: string): Promise<string[]> {
  const tag = await readWorkshopTag(dir);
  await endWorkshop(dir);
  return tag ? osUsersNamed(userPrefix(tag)) : [];
}

/** The OS users named with the tag of the workshop in `dir` (its labs' and its hub's). */
export async function workshopUsers(dir: string): Promise<string[]> {
  const tag = await readWorkshopTag(dir);
  return tag ? osUsersNamed(userPrefix(tag)) : [];
}
