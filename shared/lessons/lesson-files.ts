// Turns the lessons' MDX sources into their steps, for the site's build (the catch-up, the lesson index), the
// bridge's lesson starts (server/lesson-start/) and the replay test.
import remarkMdx from "remark-mdx";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { collectSteps, type LessonStep } from "./lesson-cells.ts";

export interface Lesson {
  /** e.g. 05-subscriptions.mdx; the number orders the lessons. */
  file: string;
  title: string;
  steps: LessonStep[];
}

/** Lessons from their sources, keyed by any path ending in the file name, in lesson order. */
export function lessonsFromSources(sources: Record<string, string>): Lesson[] {
  return Object.entries(sources)
    .map(([key, source]) => {
      const file = key.split("/").pop()!;
      const tree = unified().use(remarkParse).use(remarkMdx).parse(source);
      const title = /^title:\s*(.+)$/m.exec(source)?.[1]?.trim() ?? file;
      return { file, title, steps: collectSteps(tree, source) };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}
