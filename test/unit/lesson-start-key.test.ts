import { describe, expect, it } from "vitest";
import { readLessons, serversVersion, startKey } from "../../server/lesson-start/lessons.ts";
import { lessonsFromSources } from "../../shared/lessons/lesson-files.ts";
import fs from "node:fs/promises";
import path from "node:path";
import { LESSONS_DIR } from "../../server/lesson-start/lessons.ts";

async function sources(): Promise<Record<string, string>> {
  const files = (await fs.readdir(LESSONS_DIR)).filter((file) => file.endsWith(".mdx"));
  return Object.fromEntries(
    await Promise.all(
      files.map(async (file) => [file, await fs.readFile(path.join(LESSONS_DIR, file), "utf8")] as const),
    ),
  );
}

describe("the key of a lesson's start", () => {
  it("changes for every later lesson when a lesson's cells change, and for no earlier one", async () => {
    const original = await readLessons();
    const edited = await sources();
    const file = Object.keys(edited).find((name) => name.startsWith("03"))!;
    edited[file] = edited[file]!.replace("serial PRIMARY KEY", "bigserial PRIMARY KEY");
    const changed = lessonsFromSources(edited);
    for (const n of [2, 3]) expect(startKey(changed, n, "18.1")).toBe(startKey(original, n, "18.1"));
    for (const n of [4, 5, 6, 7, 8, 9]) expect(startKey(changed, n, "18.1")).not.toBe(startKey(original, n, "18.1"));
  });

  it("changes with the PostgreSQL version", async () => {
    const lessons = await readLessons();
    expect(startKey(lessons, 9, "18.1")).not.toBe(startKey(lessons, 9, "18.2"));
  });

  it("ignores a change to the prose around the cells", async () => {
    const edited = await sources();
    const file = Object.keys(edited).find((name) => name.startsWith("03"))!;
    edited[file] = `${edited[file]}\n\nOne more sentence.\n`;
    expect(startKey(lessonsFromSources(edited), 9, "18.1")).toBe(startKey(await readLessons(), 9, "18.1"));
  });

  it("tells a lab of mixed majors from one whose nodes all run the same version", () => {
    const lab = (master: string, follower: string) =>
      ["master", "slave1", "slave2", "slave3"].map((name) => ({
        name,
        version: name === "master" ? master : follower,
      }));
    expect(serversVersion(lab("18.4", "18.4"))).toBe("18.4");
    expect(serversVersion(lab("16.14", "18.4"))).toBe("master=16.14,slave1=18.4,slave2=18.4,slave3=18.4");
    expect(serversVersion(lab("16.14", "18.4"))).not.toBe(serversVersion(lab("17.10", "18.4")));
  });
});
