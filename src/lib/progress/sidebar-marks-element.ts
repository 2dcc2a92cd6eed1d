// <lesson-marks>: marks each lesson link of the sidebar it sits in with the learner's progress, kept live.
import { lessonsFrom, onProgressChange, progressOfLesson, setMark } from "./marks.ts";

/** A link's path with one trailing slash, so /lessons/03-schema and /lessons/03-schema/ are the same lesson. */
function pathOf(href: string): string {
  return new URL(href, location.href).pathname.replace(/\/?$/, "/");
}

class LessonMarksElement extends HTMLElement {
  connectedCallback() {
    const lessons = lessonsFrom(this);
    const links = [...(this.parentElement ?? document).querySelectorAll<HTMLAnchorElement>("a[href]")];
    const marked = lessons.flatMap((lesson) => {
      const link = links.find((a) => pathOf(a.href) === pathOf(lesson.href));
      return link ? [{ lesson, link }] : [];
    });
    const draw = () => {
      for (const { lesson, link } of marked) {
        link.classList.add("has-lesson-mark");
        setMark(link, progressOfLesson(lesson));
      }
    };
    draw();
    onProgressChange(draw);
  }
}

if (!customElements.get("lesson-marks")) customElements.define("lesson-marks", LessonMarksElement);
