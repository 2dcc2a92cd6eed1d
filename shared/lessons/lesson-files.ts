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

/**
 * Each file's title and steps, by its name and text. The site's build asks for every lesson from every lesson page (its
 * state panel, its catch-up, the lesson index), and parsing the nine MDX files each time was a third of the
 * pages' generation: a file parses the same every time, so it is parsed once. Bounded, so that a long-running
 * process given ever new texts (a test's) does not keep them all.
 */
const parsed = new Map<string, Omit<Lesson, "file">>();
const PARSED_LIMIT = 64;

function parseLesson(file: string, source: string): Omit<Lesson, "file"> {
  const key = `${file}\0${source}`;
  const known = parsed.get(key);
  if (known) return known;
  const tree = unified().use(remarkParse).use(remarkMdx).parse(source);
  const title = /^title:\s*(.+)$/m.exec(source)?.[1]?.trim() ?? file;
  const lesson = { title, steps: collectSteps(tree, source) };
  if (parsed.size >= PARSED_LIMIT) parsed.delete(parsed.keys().next().value!);
  parsed.set(key, lesson);
  return lesson;
}

/** Lessons from their sources, keyed by any path ending in the file name, in lesson order. */
export function lessonsFromSources(sources: Record<string, string>): Lesson[] {
  return Object.entries(sources)
    .map(([key, source]) => {
      const file = key.split("/").pop()!;
      const { title, steps } = parseLesson(file, source);
      return { file, title, steps };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}
