// A version switch (version-switch.ts) moves a node's data folder aside, as <node>.pg<N>-before-switch, while the
// node starts afresh on its new major, and deletes it once the node is up; a switch that fails puts it back. A
// bridge killed in between leaves it there, and the node's own folder is then the aborted new server's (or none):
// the learner's data would sit unused while the node started empty. At the next start, before any node starts,
// this settles each one: the folder aside comes back when the node's folder is not of the major the lab now asks
// for (the switch never finished: versions.json still names the old major), and goes when it is (the switch
// finished but for that last deletion). Either way the start says what it did.
import fs from "node:fs/promises";
import path from "node:path";

const ASIDE = /^(.+)\.pg(\d+)-before-switch$/;

/** The name of a node's folder kept aside while it switches from `major`. */
export function asideFolder(folder: string, major: number | string): string {
  return `${folder}.pg${major}-before-switch`;
}

async function majorOf(folder: string): Promise<string | null> {
  return fs.readFile(path.join(folder, "PG_VERSION"), "utf8").then(
    (text) => text.trim(),
    () => null,
  );
}

/**
 * Settles what an interrupted switch left for the node whose folder is `folder` and whose major the lab asks for
 * now is `asked`. An aside made by another major than `asked` is left as it is, and said.
 */
export async function settleSwitchLeftovers(
  folder: string,
  asked: number,
  note: (text: string) => void,
): Promise<void> {
  const parent = path.dirname(folder);
  const name = path.basename(folder);
  const entries = await fs.readdir(parent).catch(() => [] as string[]);
  for (const entry of entries) {
    const match = ASIDE.exec(entry);
    if (match?.[1] !== name) continue;
    const aside = path.join(parent, entry);
    const from = match[2]!;
    if ((await majorOf(folder)) === String(asked)) {
      await fs.rm(aside, { recursive: true, force: true });
      note(`${name}: removed ${entry}, left by a switch to PostgreSQL ${asked} that had finished`);
    } else if (from === String(asked)) {
      await fs.rm(folder, { recursive: true, force: true });
      await fs.rename(aside, folder);
      note(`${name}: a switch from PostgreSQL ${from} was interrupted; its data folder is back, as it was before`);
    } else {
      note(`${name}: ${entry} holds PostgreSQL ${from} data from an interrupted switch; it is left where it is`);
    }
  }
}
