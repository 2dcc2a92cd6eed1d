// The instructor's grid's columns, from the real lessons: each cell with a declared expectation and each state
// check a lesson makes true, in lesson order, with short labels.
import { describe, expect, it } from "vitest";
import { readLessons } from "../../server/lesson-start/lessons.ts";
import { roomColumns, stepExpectations, stepKey } from "../../shared/room/columns.ts";

describe("the grid's columns", async () => {
  const lessons = await readLessons();
  const columns = roomColumns(lessons);

  it("lists lesson 5's subscriptions as state checks, one per follower, labelled in a few words", () => {
    const lesson5 = columns.filter((column) => column.lesson === "05-subscriptions" && column.kind === "check");
    expect(lesson5.map((column) => column.label)).toEqual(
      expect.arrayContaining(["5 · slave1 subscribed", "5 · slave2 subscribed", "5 · slave3 subscribed"]),
    );
    const slave2 = lesson5.find((column) => column.label === "5 · slave2 subscribed");
    expect(slave2).toMatchObject({ kind: "check", check: "subscription:slave2:usersub", cell: 10 });
  });

  it("has a column for each cell that declares an expectation, and none for one that doesn't", () => {
    for (const lesson of lessons) {
      const name = lesson.file.replace(/\.mdx$/, "");
      const declared = lesson.steps.flatMap((step, i) => (step.kind === "sql" && step.expect ? [i + 1] : []));
      const steps = columns.filter((column) => column.lesson === name && column.kind === "step");
      expect(
        steps.map((column) => (column.kind === "step" ? column.step : 0)),
        name,
      ).toEqual(declared);
      for (const column of steps)
        expect(column.label).toBe(`${Number(name.slice(0, 2))} · cell ${column.id.split("-").pop()}`);
    }
  });

  it("keeps the lessons' order, every id unique", () => {
    const order = columns.map((column) => column.lesson);
    expect(order).toEqual([...order].sort());
    expect(new Set(columns.map((column) => column.id)).size).toBe(columns.length);
  });

  it("knows what every cell expects, an error code where the lesson names one, ok where it names none", () => {
    const expectations = stepExpectations(lessons);
    const errors = [...expectations.values()].filter((expectation) => expectation.kind === "error");
    expect(errors.length).toBeGreaterThan(0);
    const lesson1 = lessons[0]!;
    const plain = lesson1.steps.findIndex((step) => step.kind === "sql" && step.expect === undefined);
    expect(expectations.get(stepKey("01-logical-replication", plain + 1))).toEqual({ kind: "ok" });
  });
});
