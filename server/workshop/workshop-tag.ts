// A workshop folder's identity: a short random tag, made the first time a hub or a lab provider uses the folder
// and kept in it, so that it survives hub restarts. Every OS user of that workshop is named from it
// (rlab-<tag>-<lab id>, rlab-<tag>-hub): two hubs on one machine (two workshops, or a workshop and the test
// suite) both number their labs from 001, and without the tag lab 001 of one would run as the same OS user as
// lab 001 of the other, so that one attendee's superuser SQL could read the other's lab.
import { randomInt } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { LabError } from "../errors.ts";
import { osUsersNamed } from "../lab/embedded/postgres-user.ts";

/** Six lowercase letters and digits: useradd takes them, and rlab-<tag>-<id> stays far within 32 characters. */
const TAG = /^[a-z0-9]{6}$/;
const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

export function tagFile(workshopDir: string): string {
  return path.join(workshopDir, "workshop-tag");
}

/** What every OS user of the workshop tagged `tag` is named with: "rlab-<tag>-". */
export function userPrefix(tag: string): string {
  return `rlab-${tag}-`;
}

/** The workshop's tag, from its folder; null when the folder has none (no hub or lab has used it yet). */
export async function readWorkshopTag(workshopDir: string): Promise<string | null> {
  const file = tagFile(workshopDir);
  const text = await fs.readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  if (text === null) return null;
  const tag = text.trim();
  if (!TAG.test(tag)) {
    throw new LabError(
      `${file} should hold this workshop's tag (six lowercase letters and digits) and holds "${tag.slice(0, 40)}". ` +
        `Put back the tag it had (its labs' OS users are named rlab-<tag>-<id>), or end the workshop and start afresh.`,
    );
  }
  return tag;
}

/** The workshop's tag, made and kept in its folder the first time. */
export async function workshopTag(workshopDir: string): Promise<string> {
  const known = await readWorkshopTag(workshopDir);
  if (known) return known;
  await refuseUntaggedWorkshop(workshopDir);
  const tag = await unusedTag();
  await fs.mkdir(workshopDir, { recursive: true });
  try {
    // "wx": the hub's database and the lab provider may both get here first; the one that loses reads the other's.
    await fs.writeFile(tagFile(workshopDir), `${tag}\n`, { flag: "wx", mode: 0o644 });
    return tag;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return (await readWorkshopTag(workshopDir))!;
  }
}

/**
 * A folder with a lab's data folder or the hub's database but no tag was made before workshops had tags: that
 * data belongs to the users rlab-<id> and rlab-hub, which a new tag's users could not read, and which every such
 * workshop shares. (An empty labs/ folder, or one holding only files, has nothing of theirs.)
 */
async function refuseUntaggedWorkshop(workshopDir: string): Promise<void> {
  const labs = await fs.readdir(path.join(workshopDir, "labs"), { withFileTypes: true }).catch(() => []);
  const hasLab = labs.some((entry) => entry.isDirectory() && /^\d{3,}$/.test(entry.name));
  const hasHub = await fs.access(path.join(workshopDir, "hub", "pgdata")).then(
    () => true,
    () => false,
  );
  if (!hasLab && !hasHub) return;
  throw new LabError(
    `The workshop in ${workshopDir} was made before each workshop's OS users were named with a tag of its own ` +
      `(its labs run as rlab-<id> and its hub as rlab-hub, names every such workshop shares). End it ` +
      `(npm run workshop -- --end removes its folders; remove those users with userdel) and start afresh.`,
  );
}

/** A random tag no user on this machine is named with yet (another workshop's, however unlikely). */
async function unusedTag(): Promise<string> {
  for (;;) {
    const tag = Array.from({ length: 6 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
    if ((await osUsersNamed(userPrefix(tag))).length === 0) return tag;
  }
}
