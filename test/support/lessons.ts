import fs from "node:fs/promises";
import path from "node:path";
import { PROJECT_ROOT } from "../../server/config.ts";
import { lessonsFromSources, type Lesson } from "../../src/lib/lesson-files.ts";

export const LESSONS_DIR = path.join(PROJECT_ROOT, "src/content/docs/lessons");

export async function readLessons(): Promise<Lesson[]> {
  const files = (await fs.readdir(LESSONS_DIR)).filter((file) => file.endsWith(".mdx"));
  const sources = await Promise.all(files.map(async (file) => [file, await fs.readFile(path.join(LESSONS_DIR, file), "utf8")] as const));
  return lessonsFromSources(Object.fromEntries(sources));
}
