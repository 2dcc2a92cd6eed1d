// Ending a workshop for good (`npm run workshop -- --end`): every lab's servers stopped and its folder and OS user
// removed, then the hub's database and its OS user, then the workshop's tag. What a workshop leaves on the
// machine is exactly what this removes: its folder's contents and the users named rlab-<tag>-*.
import fs from "node:fs/promises";
import path from "node:path";
import { LabError } from "../errors.ts";
import { stopLeftoverServer } from "../lab/embedded/leftover-server.ts";
import { osUsersNamed, removeOsUser } from "../lab/embedded/postgres-user.ts";
import { existingLabIds, labsFolder, removeLab, sharedMajorsFolder } from "./provision/lab-folder.ts";
import { hubFolders, hubOsUser } from "./store/database.ts";
import { readWorkshopTag, tagFile, userPrefix } from "./workshop-tag.ts";

/** What a workshop folder holds that ending it removes. */
export interface WorkshopContents {
  /** The folder's tag; null when no hub or lab has used it. */
  tag: string | null;
  /** The ids of its lab folders. */
  labs: string[];
  /** Whether it has a hub folder (database, secrets, logs). */
  hub: boolean;
  /** The OS users named with its tag (its labs' and its hub's). */
  users: string[];
}

export async function workshopContents(workshopDir: string): Promise<WorkshopContents> {
  const tag = await readWorkshopTag(workshopDir);
  const hub = await fs.stat(hubFolders(workshopDir).root).then(
    () => true,
    () => false,
  );
  return {
    tag,
    labs: await existingLabIds(workshopDir),
    hub,
    users: tag ? await osUsersNamed(userPrefix(tag)) : [],
  };
}

/**
 * Ends the workshop in `workshopDir` for good and says what it removed. Refuses before removing anything while
 * its hub runs (its database's server has a live hub as its parent), and when its users need root to remove.
 */
export async function endWorkshop(
  workshopDir: string,
  note: (text: string) => void = () => {},
): Promise<WorkshopContents> {
  const contents = await workshopContents(workshopDir);
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (contents.users.length > 0 && !root) {
    throw new LabError(
      `Ending the workshop in ${workshopDir} removes its OS users (${contents.users.join(", ")}), which only root ` +
        `can: sudo npm run workshop -- --end.`,
    );
  }
  const hub = hubFolders(workshopDir);
  await stopLeftoverServer("the hub's database", hub.data, note).catch((error: unknown) => {
    throw new LabError(
      `The workshop in ${workshopDir} is running (${(error as Error).message}). Stop its hub (Ctrl+C) first, ` +
        `then end the workshop.`,
      { cause: error },
    );
  });
  for (const id of contents.labs) {
    if (contents.tag) await removeLab(workshopDir, contents.tag, id);
    else await fs.rm(path.join(labsFolder(workshopDir), id), { recursive: true, force: true });
    note(`lab ${id}: servers stopped, folder and OS user removed`);
  }
  await fs.rm(labsFolder(workshopDir), { recursive: true, force: true });
  await fs.rm(sharedMajorsFolder(workshopDir), { recursive: true, force: true });
  await fs.rm(hub.root, { recursive: true, force: true });
  if (contents.tag) {
    await removeOsUser(hubOsUser(contents.tag));
    // Users of labs whose folder was gone already (removed by hand, or a lab that never got one).
    for (const user of await osUsersNamed(userPrefix(contents.tag))) await removeOsUser(user);
  }
  await fs.rm(tagFile(workshopDir), { force: true });
  // The folder itself goes too when nothing else is in it (LAB_WORKSHOP_DIR may name a folder that holds more).
  await fs.rmdir(workshopDir).catch(() => {});
  return contents;
}
