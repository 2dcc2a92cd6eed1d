// The lessons as the pages list them, read from their sources at build time (as CatchUp.astro does): file, link,
// title and how many steps each has, which is what the progress marks need. Build time only: it parses MDX, so
// the browser gets these summaries as data attributes, never this module.
import { lessonsFromSources } from "../../shared/lessons/lesson-files.ts";
import type { LessonSummary } from "./progress/rule.ts";

const sources = import.meta.glob<string>("../content/docs/lessons/*.mdx", {
  query: "?raw",
  import: "default",
  eager: true,
});

/** Every lesson, in order. */
export const LESSONS: LessonSummary[] = lessonsFromSources(sources).map((lesson) => ({
  file: lesson.file,
  href: `/lessons/${lesson.file.replace(/\.mdx$/, "")}/`,
  title: lesson.title,
  steps: lesson.steps.length,
}));
