// ESLint's import/no-cycle (npm run lint) finds cycles of imports that run; it passes over `import type`, which
// TypeScript erases. A cycle of types still ties two modules together (neither can move or change alone), so
// this test walks every import, types included, and fails on any cycle.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FOLDERS = ["shared", "src", "server", "load", "bench", "scripts"];
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s*"(\.[^"]+)"|\bimport\(\s*"(\.[^"]+)"\s*\)/g;

function sources(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => path.join(folder, file));
}

/** Each module's relative imports, as project paths. */
export function importGraph(files: Record<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of Object.entries(files)) {
    const targets = [...text.matchAll(IMPORT)].map((match) => path.join(path.dirname(file), match[1] ?? match[2]!));
    graph.set(
      file,
      targets.filter((target) => target in files),
    );
  }
  return graph;
}

/** The cycles, as their modules (Tarjan's strongly connected components of more than one module, or a self-import). */
export function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) visit(next);
      if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, low.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = stack.splice(stack.indexOf(node));
    if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe("imports, types included", () => {
  it("form no cycle", () => {
    const files = Object.fromEntries(
      FOLDERS.flatMap(sources).map((file) => [file, readFileSync(path.join(ROOT, file), "utf8")]),
    );
    expect(Object.keys(files).length).toBeGreaterThan(100);
    expect(cycles(importGraph(files))).toEqual([]);
  });

  it("finds a cycle made only of type imports", () => {
    const files = {
      "server/a.ts": 'import type { B } from "./b.ts";\nexport interface A { b: B }',
      "server/b.ts": 'import { type A } from "./a.ts";\nexport interface B { a: A }',
      "server/c.ts": 'import type { A } from "./a.ts";',
    };
    expect(cycles(importGraph(files))).toEqual([["server/a.ts", "server/b.ts"]]);
  });
});
