// Where a workshop lab lives and whom its servers run as. Attendees are superusers of their own lab, and a
// superuser can run programs and open files as the server's OS user (COPY ... TO PROGRAM, pg_read_file,
// lo_import; see README "Labs and isolation"). So each lab's servers run as an OS user of its own,
// `rlab-<tag>-<id>` (the tag is the workshop folder's, workshop-tag.ts), and its folder is mode 0700 owned by
// that user: another lab's servers, of this workshop or another, run as another user and can neither list it
// nor open anything in it. Only root can start a process as another user, so the hub must run as root, as
// JupyterHub does with system users. The user lives as long as the lab: removed with its folder.
import fs from "node:fs/promises";
import path from "node:path";
import { NODE_NAMES } from "../../../shared/api-types.ts";
import { LabError } from "../../errors.ts";
import { stopLeftoverServer } from "../../lab/embedded/leftover-server.ts";
import { osUser, removeOsUser, type RunAs } from "../../lab/embedded/postgres-user.ts";
import { userPrefix } from "../workshop-tag.ts";

/** Lab ids are numbers, zero-padded to three digits: "001" of the workshop tagged k3x9qa runs as "rlab-k3x9qa-001". */
export const LAB_ID = /^\d{3,}$/;

/** Linux's (and useradd's) longest user name. */
const LONGEST_USER_NAME = 32;

export function labUser(tag: string, id: string): string {
  const name = `${userPrefix(tag)}${id}`;
  if (!LAB_ID.test(id) || name.length > LONGEST_USER_NAME) throw new LabError(`"${id}" can't name a lab's OS user.`);
  return name;
}

/** The PostgreSQL majors the hub's LAB_PG_VERSIONS asks for, installed once for every lab of the workshop. */
export function sharedMajorsFolder(workshopDir: string): string {
  return path.join(workshopDir, "pg-versions");
}

export function labsFolder(workshopDir: string): string {
  return path.join(workshopDir, "labs");
}

export function labFolder(workshopDir: string, id: string): string {
  return path.join(labsFolder(workshopDir), id);
}

/** Refuses, with what to do instead, unless we are root: every lab needs a user of its own. */
export function requireRoot(): void {
  if (typeof process.getuid === "function" && process.getuid() === 0) return;
  throw notRoot();
}

function notRoot(): LabError {
  const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
  return new LabError(
    `Workshop mode's local labs run each lab's PostgreSQL servers as an OS user of its own (rlab-<tag>-<id>), ` +
      `so that one attendee's superuser SQL can't read another's lab; only root can start processes as other ` +
      `users, and the hub runs as ${uid === undefined ? "a user without ids" : `uid ${uid}`}. Start the hub as root ` +
      `(sudo npm run workshop), or use the inventory driver with labs run elsewhere.`,
  );
}

/**
 * The workshop's labs folder: root's, mode 0711, so that every lab's user can pass through to its own lab
 * but none can list the others.
 */
export async function prepareLabsFolder(workshopDir: string): Promise<string> {
  const folder = labsFolder(workshopDir);
  await fs.mkdir(folder, { recursive: true, mode: 0o711 });
  await fs.chown(folder, 0, 0);
  await fs.chmod(folder, 0o711);
  return folder;
}

/** Makes (or takes back) lab `id`'s user and folder: the folder mode 0700, owned by that user. */
export async function prepareLabFolder(workshopDir: string, tag: string, id: string): Promise<RunAs> {
  const runAs = await osUser(labUser(tag, id));
  if (!runAs) throw notRoot();
  const folder = labFolder(workshopDir, id);
  await fs.mkdir(folder, { recursive: true, mode: 0o700 });
  await fs.chown(folder, runAs.uid, runAs.gid);
  await fs.chmod(folder, 0o700);
  return runAs;
}

/** The ids of the lab folders there are. */
export async function existingLabIds(workshopDir: string): Promise<string[]> {
  const entries = await fs.readdir(labsFolder(workshopDir), { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory() && LAB_ID.test(entry.name)).map((entry) => entry.name);
}

/**
 * Removes lab `id` for good: stops any server still running on its folder (one a killed hub left), then the
 * folder, then its OS user (after any process of it). Refuses, keeping all three, when a server on the folder
 * can't be stopped, e.g. because a running hub has it: its data is never pulled from under a live server.
 */
export async function removeLab(workshopDir: string, tag: string, id: string): Promise<void> {
  const folder = labFolder(workshopDir, id);
  for (const name of NODE_NAMES) await stopLeftoverServer(`lab ${id}'s ${name}`, path.join(folder, name), () => {});
  await fs.rm(folder, { recursive: true, force: true });
  await removeOsUser(labUser(tag, id));
}
