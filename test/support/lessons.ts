import fs from "node:fs/promises";
import path from "node:path";
import remarkMdx from "remark-mdx";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { PROJECT_ROOT } from "../../server/config.ts";
import { collectCells, type LessonCell } from "../../src/lib/lesson-cells.ts";

export const LESSONS_DIR = path.join(PROJECT_ROOT, "src/content/docs/lessons");

export interface Lesson {
  file: string;
  cells: LessonCell[];
}

/** Every lesson, in the order the sidebar shows them (file names start with the lesson's number). */
export async function readLessons(): Promise<Lesson[]> {
  const files = (await fs.readdir(LESSONS_DIR)).filter((file) => file.endsWith(".mdx")).sort();
  return Promise.all(
    files.map(async (file) => {
      const source = await fs.readFile(path.join(LESSONS_DIR, file), "utf8");
      const tree = unified().use(remarkParse).use(remarkMdx).parse(source);
      return { file, cells: collectCells(tree, source) };
    }),
  );
}
