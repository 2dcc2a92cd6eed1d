// <where-to-go-on>: the home page's pointer to the lesson to continue, and the lessons' marks, kept live.
import { lessonRecord } from "../progress.ts";
import { lessonsFrom, onProgressChange, progressOfLesson, setMark } from "./marks.ts";
import { describeWhereToGoOn, stepsRun, whereToGoOn, type LessonSummary } from "./rule.ts";

class WhereToGoOnElement extends HTMLElement {
  private lessons: LessonSummary[] = [];

  connectedCallback() {
    this.lessons = lessonsFrom(this);
    if (this.lessons.length === 0) return;
    this.draw();
    onProgressChange(() => this.draw());
  }

  private draw() {
    const records = Object.fromEntries(this.lessons.map((lesson) => [lesson.file, lessonRecord(lesson.file)]));
    const where = whereToGoOn(this.lessons, records);
    const next = this.querySelector<HTMLElement>(".where-to-go-on__next")!;
    const allDone = this.querySelector<HTMLElement>(".where-to-go-on__all-done")!;
    const suggestion = describeWhereToGoOn(where);
    next.hidden = !suggestion;
    allDone.hidden = Boolean(suggestion);
    if (suggestion) {
      const link = next.querySelector("a")!;
      link.textContent = suggestion.text;
      link.href = suggestion.href;
    }
    for (const lesson of this.lessons) {
      const item = this.querySelector<HTMLElement>(`li[data-lesson="${CSS.escape(lesson.file)}"]`);
      if (!item) continue;
      const progress = progressOfLesson(lesson);
      setMark(item.querySelector("a")!, progress);
      item.querySelector(".where-to-go-on__count")!.textContent =
        progress === "in-progress" ? `${stepsRun(records[lesson.file], lesson.steps)} of ${lesson.steps} cells` : "";
    }
  }
}

if (!customElements.get("where-to-go-on")) customElements.define("where-to-go-on", WhereToGoOnElement);
