// ESLint (npm run lint) keeps src/'s TypeScript from importing the bridge's code, but it doesn't read .astro and
// .mdx files. The site's components and lessons are held to the same rule here: they import from src/ and
// shared/ only, never server/, load/, bench/, scripts/ or test/.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const IMPORT = /\b(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

/** The project folders a page file's relative imports reach, e.g. `src/lib/progress.ts` → `src`. */
export function foldersReached(file: string, text: string): string[] {
  return [...text.matchAll(IMPORT)].map((match) => path.join(path.dirname(file), match[1]!).split(path.sep)[0]!);
}

describe("the site's .astro and .mdx files", () => {
  it("import from src/ and shared/ only", () => {
    const files = readdirSync(path.join(ROOT, "src"), { recursive: true, encoding: "utf8" })
      .filter((file) => /\.(astro|mdx)$/.test(file))
      .map((file) => path.join("src", file));
    expect(files.length).toBeGreaterThan(10);
    const outside = files.flatMap((file) =>
      foldersReached(file, readFileSync(path.join(ROOT, file), "utf8"))
        .filter((folder) => folder !== "src" && folder !== "shared")
        .map((folder) => `${file} imports from ${folder}/`),
    );
    expect(outside).toEqual([]);
  });

  it("would be caught importing the bridge", () => {
    const text = 'import { HELP } from "../../server/console/help.ts";\nimport x from "../lib/progress.ts";';
    expect(foldersReached("src/components/Console.astro", text)).toEqual(["server", "src"]);
  });
});
