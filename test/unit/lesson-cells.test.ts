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
      { kind: "sql", node: "slave1", expect: undefined, within: 0, code: "SELECT 1;" },
      { kind: "sql", node: "slave2", expect: "rows=1", within: 10, code: SUBSCRIPTION_HEALTH_SQL },
    ]);
  });
});
