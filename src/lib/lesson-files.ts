// Reads the lessons' MDX files and their steps, at build time (the catch-up) and in tests (the replay).
// Node only: the browser gets the steps as data.
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import remarkMdx from "remark-mdx";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { collectSteps, type LessonStep } from "./lesson-cells.ts";

export const LESSONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../content/docs/lessons");

export interface Lesson {
  /** e.g. 05-subscriptions.mdx; the number orders the lessons. */
  file: string;
  title: string;
  steps: LessonStep[];
}

export async function readLessons(dir = LESSONS_DIR): Promise<Lesson[]> {
  const files = (await fs.readdir(dir)).filter((file) => file.endsWith(".mdx")).sort();
  return Promise.all(
    files.map(async (file) => {
      const source = await fs.readFile(path.join(dir, file), "utf8");
      const tree = unified().use(remarkParse).use(remarkMdx).parse(source);
      const title = /^title:\s*(.+)$/m.exec(source)?.[1]?.trim() ?? file;
      return { file, title, steps: collectSteps(tree, source) };
    }),
  );
}
