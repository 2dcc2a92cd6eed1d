import { describe, expect, it } from "vitest";
import { lessonsFromSources } from "../../shared/lessons/lesson-files.ts";
import { SUBSCRIPTION_HEALTH_SQL } from "../../shared/lessons/subscription-health.ts";

describe("the steps of a lesson", () => {
  it("takes a subscriber health cell as a SQL step with the fixed health query, in document order", () => {
    const source = [
      '<SqlCell node="slave1">',
      "```sql",
      "SELECT 1;",
      "```",
      "</SqlCell>",
      "",
      '<SubscriptionHealth node="slave2" expect="rows=1" within="10" />',
    ].join("\n");
    const [lesson] = lessonsFromSources({ "05-x.mdx": source });
    expect(lesson!.steps).toEqual([
      { kind: "sql", node: "slave1", expect: undefined, within: 0, code: "SELECT 1;", needs: [] },
      { kind: "sql", node: "slave2", expect: "rows=1", within: 10, code: SUBSCRIPTION_HEALTH_SQL, needs: [] },
    ]);
  });
});

describe("lessons parsed from their sources", () => {
  const cell = (sql: string) => `<SqlCell node="master">\n\`\`\`sql\n${sql}\n\`\`\`\n</SqlCell>\n`;

  it("parses a file's text once however often the pages ask, and a changed text anew", () => {
    const first = cell("SELECT 1;");
    const [once] = lessonsFromSources({ "01-a.mdx": first });
    const [again] = lessonsFromSources({ "../lessons/01-a.mdx": first });
    // The build asks from every page: the same file's same text gives the steps it parsed the first time.
    expect(again!.steps).toBe(once!.steps);
    const [changed] = lessonsFromSources({ "01-a.mdx": cell("SELECT 2;") });
    expect(changed!.steps).not.toBe(once!.steps);
    expect(changed!.steps.map((step) => (step.kind === "sql" ? step.code : ""))).toEqual(["SELECT 2;"]);
  });

  it("names each file by its own name, even when two files have the same text", () => {
    const text = cell("SELECT 1;");
    const lessons = lessonsFromSources({ "02-b.mdx": text, "01-a.mdx": text });
    expect(lessons.map((lesson) => [lesson.file, lesson.title])).toEqual([
      ["01-a.mdx", "01-a.mdx"],
      ["02-b.mdx", "02-b.mdx"],
    ]);
  });
});
