// The import rules of eslint.config.js, tried on snippets: a rule that silently stopped matching (a zone's path
// mistyped, the plugin's resolver failing) would let `npm run lint` pass over the very imports it is there to stop.
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
// import/no-cycle reads the linted file from disk, and these snippets have none: it is left out here (the cycle
// rule has its own check, import-cycles.test.ts); every other rule is the project's own.
const eslint = new ESLint({ cwd: ROOT, overrideConfig: { rules: { "import/no-cycle": "off" } } });

/** The restricted-path errors ESLint gives for `source` as if it were the file `file`. */
async function restricted(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === "import/no-restricted-paths")
    .map((message) => message.message);
}

describe("the import rules", () => {
  it.each([
    ["scripts/example.ts", `import { tempDir } from "../test/support/temp-dir.ts";`],
    ["server/example.ts", `import { tempDir } from "../test/support/temp-dir.ts";`],
    ["bench/example.ts", `import { tempDir } from "../test/support/temp-dir.ts";`],
    ["load/example.ts", `import { tempDir } from "../test/support/temp-dir.ts";`],
  ])("refuse an import of test/ in %s", async (file, source) => {
    expect(await restricted(file, source)).toEqual([expect.stringContaining("The tests use the code")]);
  });

  it("refuse an import of test/ in shared/, which imports neither side", async () => {
    const source = `import { tempDir } from "../test/support/temp-dir.ts";`;
    expect(await restricted("shared/example.ts", source)).toEqual([expect.stringContaining("imports neither")]);
  });

  it("refuse an import of bench/ in scripts/", async () => {
    const source = `import { startLabAndBridge } from "../bench/fixture.ts";`;
    expect(await restricted("scripts/example.ts", source)).toEqual([expect.stringContaining("npm run record")]);
  });

  it("refuse an import of server/ in src/", async () => {
    const source = `import { startLab } from "../../server/start-lab.ts";`;
    expect(await restricted("src/lib/example.ts", source)).toEqual([expect.stringContaining("imports shared/ only")]);
  });

  it("let scripts/ import server/ and shared/, and the tests import anything", async () => {
    const script =
      `import { startLab } from "../server/start-lab.ts";\n` + `import { NODE_NAMES } from "../shared/api-types.ts";`;
    expect(await restricted("scripts/example.ts", script)).toEqual([]);
    const test =
      `import { startLab } from "../../server/start-lab.ts";\nimport { BENCH_TOKEN } from ` +
      `"../../bench/fixture.ts";`;
    expect(await restricted("test/unit/example.ts", test)).toEqual([]);
  });
});

describe("the length rule", () => {
  /** The max-lines errors ESLint gives for a TypeScript file of `count` lines, as `wc -l` counts them. */
  async function tooLong(file: string, count: number): Promise<string[]> {
    // Blank lines and comments count too: a file padded with them is as long to read.
    const lines = Array.from({ length: count }, (_, i) => (i % 3 === 0 ? "" : i % 3 === 1 ? "// why" : `f(${i});`));
    const [result] = await eslint.lintText(lines.map((line) => `${line}\n`).join(""), {
      filePath: path.join(ROOT, file),
    });
    return (result?.messages ?? []).filter((message) => message.ruleId === "max-lines").map((m) => m.message);
  }

  it("lets a TypeScript file of 400 lines pass, and refuses one of 401", async () => {
    expect(await tooLong("server/example.ts", 400)).toEqual([]);
    expect(await tooLong("server/example.ts", 401)).toEqual([expect.stringContaining("too many lines (401)")]);
    expect(await tooLong("test/unit/example.test.ts", 401)).toHaveLength(1);
  });
});
