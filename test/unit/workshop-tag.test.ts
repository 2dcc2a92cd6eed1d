// A workshop folder's tag, which names its OS users: made once and kept, the same for every caller, refused when
// the file holds anything else; and the user names made from it stay within what useradd takes.
import fs from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { labUser } from "../../server/workshop/provision/lab-folder.ts";
import { hubOsUser } from "../../server/workshop/store/database.ts";
import { readWorkshopTag, tagFile, workshopTag } from "../../server/workshop/workshop-tag.ts";
import { tempDir } from "../support/temp-dir.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  const dir = await tempDir("workshop-tag");
  dirs.push(dir);
  return dir;
}

describe("a workshop's tag", () => {
  it("is made once, kept in the folder, and the same for callers that race to make it", async () => {
    const dir = await freshDir();
    expect(await readWorkshopTag(dir)).toBeNull();
    const tags = await Promise.all(Array.from({ length: 5 }, () => workshopTag(dir)));
    expect(tags[0]).toMatch(/^[a-z0-9]{6}$/);
    expect(new Set(tags).size).toBe(1);
    expect(await workshopTag(dir)).toBe(tags[0]);
    expect(await fs.readFile(tagFile(dir), "utf8")).toBe(`${tags[0]}\n`);
    // Another folder, another tag.
    expect(await workshopTag(await freshDir())).not.toBe(tags[0]);
  });

  it("is refused, with what to do, when its file holds something else", async () => {
    const dir = await freshDir();
    await fs.writeFile(tagFile(dir), "../../etc\n");
    await expect(workshopTag(dir)).rejects.toThrow(
      `${tagFile(dir)} should hold this workshop's tag (six lowercase letters and digits) and holds "../../etc".`,
    );
  });

  it("is refused for a workshop made before tags, whose labs' data their old users own", async () => {
    const dir = await freshDir();
    await fs.mkdir(`${dir}/labs/001`, { recursive: true });
    await expect(workshopTag(dir)).rejects.toThrow(`The workshop in ${dir} was made before each workshop's OS users`);
    await expect(fs.access(tagFile(dir))).rejects.toThrow(/ENOENT/);
    const hubOnly = await freshDir();
    await fs.mkdir(`${hubOnly}/hub/pgdata`, { recursive: true });
    await expect(workshopTag(hubOnly)).rejects.toThrow("was made before each workshop's OS users");
    // A labs folder without a lab's folder in it has no one's data: a tag is made.
    const empty = await freshDir();
    await fs.mkdir(`${empty}/labs`);
    await fs.writeFile(`${empty}/labs/002`, "a file, not a lab");
    expect(await workshopTag(empty)).toMatch(/^[a-z0-9]{6}$/);
  });

  it("names the labs' and the hub's users within Linux's 32 characters", () => {
    expect(labUser("k3x9qa", "001")).toBe("rlab-k3x9qa-001");
    expect(hubOsUser("k3x9qa")).toBe("rlab-k3x9qa-hub");
    expect(labUser("k3x9qa", "1".repeat(20))).toHaveLength(32);
    expect(() => labUser("k3x9qa", "1".repeat(21))).toThrow(`can't name a lab's OS user.`);
    expect(() => labUser("k3x9qa", "01;rm")).toThrow(`can't name a lab's OS user.`);
  });
});
