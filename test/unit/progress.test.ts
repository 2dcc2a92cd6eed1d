import { describe, expect, it } from "vitest";
import {
  describeWhereToGoOn,
  firstStepNotRun,
  progressOf,
  stepsRun,
  whereToGoOn,
  type LessonRecord,
  type LessonSummary,
} from "../../src/lib/progress/rule.ts";

const at = (minute: number) => `2026-11-27T10:${String(minute).padStart(2, "0")}:00.000Z`;

describe("a lesson's progress", () => {
  it("is not started while no step ran, whatever its checks said", () => {
    expect(progressOf(undefined, 5)).toBe("not-started");
    expect(progressOf({ ran: [] }, 5)).toBe("not-started");
    expect(progressOf({ ran: [], checks: true }, 5)).toBe("not-started");
  });

  it("is in progress once some step ran", () => {
    expect(progressOf({ ran: [3] }, 5)).toBe("in-progress");
    expect(progressOf({ ran: [0, 1, 2, 3] }, 5)).toBe("in-progress");
  });

  it("is done when every step ran and no state check was ever recorded: the steps alone decide", () => {
    expect(progressOf({ ran: [4, 0, 2, 1, 3] }, 5)).toBe("done");
  });

  it("is done when every step ran and the last state check was all met", () => {
    expect(progressOf({ ran: [0, 1, 2], checks: true }, 3)).toBe("done");
  });

  it("stays in progress when every step ran but the last state check was not all met", () => {
    expect(progressOf({ ran: [0, 1, 2], checks: false }, 3)).toBe("in-progress");
    // Met once, but before the last step ran: that step may have changed what the checks look at.
    expect(progressOf({ ran: [0, 1, 2], checks: false, checksMetAt: at(1), at: at(2) }, 3)).toBe("in-progress");
  });

  it("stays done when the checks were all met after its last step ran, whatever later lessons do to the lab", () => {
    expect(progressOf({ ran: [0, 1, 2], checks: false, checksMetAt: at(3), at: at(2) }, 3)).toBe("done");
  });

  it("counts a step once, and not the steps a lesson no longer has", () => {
    const record: LessonRecord = { ran: [0, 0, 1, 7, -1] };
    expect(stepsRun(record, 3)).toBe(2);
    expect(progressOf(record, 2)).toBe("done");
    expect(firstStepNotRun(record, 3)).toBe(2);
    expect(firstStepNotRun({ ran: [1, 2] }, 3)).toBe(0);
    expect(firstStepNotRun({ ran: [0, 1, 2] }, 3)).toBeUndefined();
  });
});

const lesson = (n: number, steps: number): LessonSummary => ({
  file: `0${n}-lesson.mdx`,
  href: `/lessons/0${n}-lesson/`,
  title: `${n}. Lesson ${n}`,
  steps,
});
const LESSONS = [lesson(1, 3), lesson(2, 4), lesson(3, 5), lesson(4, 2)];

describe("where the home page sends the learner", () => {
  it("to lesson 1 when nothing ran", () => {
    const where = whereToGoOn(LESSONS, {});
    expect(where).toEqual({ kind: "start", lesson: LESSONS[0] });
    expect(describeWhereToGoOn(where)).toEqual({ text: "Start with lesson 1: Lesson 1", href: "/lessons/01-lesson/" });
  });

  it("to the first step not yet run of the lesson worked on last", () => {
    const records = { "01-lesson.mdx": { ran: [0, 1, 2], at: at(1) }, "03-lesson.mdx": { ran: [0, 2], at: at(5) } };
    const where = whereToGoOn(LESSONS, records);
    expect(where).toEqual({ kind: "continue", lesson: LESSONS[2], ran: 2, firstNotRun: 1 });
    expect(describeWhereToGoOn(where)).toEqual({
      text: "Continue with 3. Lesson 3: 2 of 5 cells run",
      href: "/lessons/03-lesson/#cell-2",
    });
  });

  it("to the next lesson not done once the last one worked on is done", () => {
    const records = { "01-lesson.mdx": { ran: [0, 1, 2], at: at(1) } };
    const where = whereToGoOn(LESSONS, records);
    expect(where).toEqual({ kind: "next", lesson: LESSONS[1], after: LESSONS[0] });
    expect(describeWhereToGoOn(where)).toEqual({
      text: "Continue with 2. Lesson 2: lesson 1 is done",
      href: "/lessons/02-lesson/",
    });
  });

  it("past the lessons already done after it, then back to one skipped before it", () => {
    const records = {
      "01-lesson.mdx": { ran: [0], at: at(1) },
      "03-lesson.mdx": { ran: [0, 1, 2, 3, 4], at: at(3) },
      "04-lesson.mdx": { ran: [0, 1], at: at(2) },
    };
    expect(whereToGoOn(LESSONS, records)).toEqual({ kind: "continue", lesson: LESSONS[0], ran: 1, firstNotRun: 1 });
    const skipped = {
      "03-lesson.mdx": { ran: [0, 1, 2, 3, 4], at: at(3) },
      "04-lesson.mdx": { ran: [0, 1], at: at(2) },
    };
    expect(whereToGoOn(LESSONS, skipped)).toEqual({ kind: "next", lesson: LESSONS[0], after: LESSONS[2] });
  });

  it("back to a lesson whose cells all ran while its state checks are not met", () => {
    const records = { "02-lesson.mdx": { ran: [0, 1, 2, 3], checks: false, at: at(4) } };
    const where = whereToGoOn(LESSONS, records);
    expect(where).toEqual({ kind: "continue", lesson: LESSONS[1], ran: 4, firstNotRun: undefined });
    expect(describeWhereToGoOn(where)?.href).toBe("/lessons/02-lesson/");
  });

  it("nowhere in particular when every lesson is done", () => {
    const records = Object.fromEntries(LESSONS.map((l, i) => [l.file, { ran: [...Array(l.steps).keys()], at: at(i) }]));
    const where = whereToGoOn(LESSONS, records);
    expect(where).toEqual({ kind: "all-done", count: 4 });
    expect(describeWhereToGoOn(where)).toBeUndefined();
  });
});
