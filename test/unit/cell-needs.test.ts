// A cell's version marker (`needs`): parsed from the lesson, judged against the lab's nodes' versions, and a step
// whose nodes are too old passed over by the replay with what it needs, without reaching the bridge.
import { describe, expect, it } from "vitest";
import type { LabStatus } from "../../shared/api-types.ts";
import { lessonsFromSources } from "../../shared/lessons/lesson-files.ts";
import { describeUnmet, parseNeeds, unmetNeeds } from "../../shared/lessons/needs.ts";
import { runStep, type Post } from "../../shared/lessons/replay.ts";
import { NODE_NAMES } from "../../shared/nodes.ts";

function labOf(versions: Partial<Record<string, string | null>>): LabStatus {
  return {
    mode: "embedded",
    nodes: NODE_NAMES.map((name) => ({
      name,
      state: "up",
      version: versions[name] === undefined ? "18.4" : versions[name]!,
      host: "127.0.0.1",
      port: 5432,
      walLevel: "logical",
      conninfo: `host=127.0.0.1 port=5432 dbname=replication`,
      publications: [],
      slots: [],
      links: [],
    })),
  } as LabStatus;
}

describe("a cell's needs", () => {
  it("reads a bare major as the cell's own node, or every node for a cell on all", () => {
    expect(parseNeeds("18", "slave1")).toEqual([{ node: "slave1", major: 18 }]);
    expect(parseNeeds("16", "all").map((need) => need.node)).toEqual([...NODE_NAMES]);
    expect(parseNeeds(undefined, "master")).toEqual([]);
  });

  it("reads node=major pairs", () => {
    expect(parseNeeds("master=17, slave1=16", "slave2")).toEqual([
      { node: "master", major: 17 },
      { node: "slave1", major: 16 },
    ]);
  });

  it("refuses a node that isn't one and a version that isn't a major, so the build fails on a typo", () => {
    expect(() => parseNeeds("primary=17", "master")).toThrow(/"primary" is not a node/);
    expect(() => parseNeeds("18.1", "master")).toThrow(/not a PostgreSQL major/);
    expect(() => parseNeeds("master=", "master")).toThrow(/not a PostgreSQL major/);
  });

  it("is unmet only by a node known to run an older major, and says which", () => {
    const needs = parseNeeds("master=18,slave1=16", "slave1");
    expect(unmetNeeds(needs, labOf({}))).toEqual([]);
    const unmet = unmetNeeds(needs, labOf({ master: "17.10", slave1: "16.14" }));
    expect(unmet).toEqual([{ node: "master", major: 18, runs: 17 }]);
    expect(describeUnmet(unmet)).toBe("needs PostgreSQL 18 on master, which runs 17 here");
    // A node that has never been up has no version: the cell runs, and the server answers for itself.
    expect(unmetNeeds(needs, labOf({ master: null }))).toEqual([]);
  });

  it("is parsed from a lesson's SqlCell, and the replay passes over the step without running it", async () => {
    const source = '<SqlCell node="slave3" needs="master=18">\n```sql\nSELECT 1;\n```\n</SqlCell>\n';
    const [lesson] = lessonsFromSources({ "10-x.mdx": source });
    const step = lesson!.steps[0]!;
    const posted: string[] = [];
    const post: Post = async <T>(path: string) => {
      posted.push(path);
      return { node: "slave3", results: [] } as T;
    };
    const skipped = await runStep(step, labOf({ master: "17.10" }), post);
    expect(skipped).toMatchObject({ met: true, skipped: "needs PostgreSQL 18 on master, which runs 17 here" });
    expect(posted).toEqual([]);
    const ran = await runStep(step, labOf({}), post);
    expect(ran.skipped).toBeUndefined();
    expect(posted).toEqual(["/api/query"]);
  });
});
