// The progress mark of a lesson link: ✓ done, ◐ in progress, nothing before it starts; a screen reader hears
// "(done)" or "(in progress)" after the lesson's title. The sidebar and the home page's list share it.
import { isProgressKey, lessonProgress, PROGRESS_CHANGED } from "../progress.ts";
import { PROGRESS_MARKS, type LessonProgress, type LessonSummary } from "./rule.ts";

/** Puts the mark for `progress` at the end of `host`, or takes it away. */
export function setMark(host: HTMLElement, progress: LessonProgress): void {
  const mark = PROGRESS_MARKS[progress];
  let span = host.querySelector<HTMLElement>(":scope > .lesson-mark");
  host.dataset["progress"] = progress;
  if (!mark) return span?.remove();
  if (!span) {
    span = document.createElement("span");
    span.className = "lesson-mark";
    host.append(span);
  }
  span.dataset["progress"] = progress;
  const symbol = document.createElement("span");
  symbol.setAttribute("aria-hidden", "true");
  symbol.textContent = mark.symbol;
  const label = document.createElement("span");
  label.className = "sr-only";
  label.textContent = ` (${mark.label})`;
  span.replaceChildren(symbol, label);
}

/** The marks follow this page's runs and other tabs' (a `storage` event): `draw` is called on every change. */
export function onProgressChange(draw: () => void): void {
  document.addEventListener(PROGRESS_CHANGED, draw);
  addEventListener("storage", (event) => {
    if (isProgressKey(event.key)) draw();
  });
}

export function progressOfLesson(lesson: LessonSummary): LessonProgress {
  return lessonProgress(lesson.file, lesson.steps);
}

/** The summaries a component put in a data attribute at build time (lesson-index.ts). */
export function lessonsFrom(element: HTMLElement): LessonSummary[] {
  try {
    return JSON.parse(element.dataset["lessons"] ?? "[]") as LessonSummary[];
  } catch {
    return [];
  }
}
