// The lab's node list has one home, shared/nodes.ts (NODE_NAMES, FOLLOWERS, NODE_OR_ALL, FOLLOWER_OR_ALL).
// A copy written out elsewhere goes stale silently the day a node is added or renamed, so this test fails on
// any array literal in the code that names every follower: the whole list, the followers, or either with "all".
// An array naming some of the nodes (`["master", "slave1"]`: where a lesson created a table) is a fact about
// those nodes, not the list, and is left alone.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FOLLOWERS, NODE_NAMES } from "../../shared/api-types.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** Where code lives: the bridge, the site, shared code, the load tool, benchmarks, scripts, test support. */
const FOLDERS = ["server", "src", "shared", "load", "bench", "scripts", path.join("test", "support")];
const HOME = path.join("shared", "nodes.ts");
/** An array literal with no array inside it: `[...]` across lines too. */
const ARRAY = /\[[^[\]]*\]/g;
const NODE = new RegExp(`["'\`](${NODE_NAMES.join("|")})["'\`]`, "g");

function sources(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(ts|astro|js|mjs)$/.test(file))
    .map((file) => path.join(folder, file));
}

/** The array literals of a source that write out every follower, each as its line number and text. */
export function nodeLists(text: string): string[] {
  return [...text.matchAll(ARRAY)]
    .filter((array) => {
      const named = new Set([...array[0].matchAll(NODE)].map((match) => match[1]));
      return FOLLOWERS.every((node) => named.has(node));
    })
    .map((array) => `${text.slice(0, array.index).split("\n").length}: ${array[0].replace(/\s+/g, " ")}`);
}

describe("the node list", () => {
  it("is written out only in shared/nodes.ts", () => {
    const files = FOLDERS.flatMap(sources).filter((file) => file !== HOME);
    expect(files.length).toBeGreaterThan(100);
    const copies = files.flatMap((file) =>
      nodeLists(readFileSync(path.join(ROOT, file), "utf8")).map((list) => `${file}:${list}`),
    );
    expect(copies).toEqual([]);
  });

  it("would be caught written out again, in any order, with or without master or all, on several lines", () => {
    const text = [
      'const NODES = ["master", "slave1", "slave2", "slave3"] as const;',
      "node: z.enum(['slave3', 'slave2', 'slave1', 'all']),",
      "for (const node of [",
      '  "slave1",',
      '  "slave2",',
      '  "slave3",',
      "]) {}",
    ].join("\n");
    expect(nodeLists(text)).toEqual([
      '1: ["master", "slave1", "slave2", "slave3"]',
      "2: ['slave3', 'slave2', 'slave1', 'all']",
      '3: [ "slave1", "slave2", "slave3", ]',
    ]);
  });

  it("leaves alone an array that names some of the nodes, and the names in prose", () => {
    const text = 'nodes: ["master", "slave1"], owners: ["slave2", "slave3"]\n// "slave1", "slave2" and "slave3"';
    expect(nodeLists(text)).toEqual([]);
  });
});
