// The checks that hold the layout to what README's architecture section says: the browser's code (src/) and the
// bridge (server/) share only shared/, no module imports itself back through others, no line is wider than 120
// characters, strings included, and no TypeScript file is longer than 400 lines. Type checking is tsc's job (npm run
// check); this config adds no style rules beyond those.
import importPlugin from "eslint-plugin-import";
import tseslint from "typescript-eslint";

/** The folders whose code never runs in the browser; src/ must not reach into them. */
const NOT_FOR_THE_BROWSER = ["./server", "./load", "./bench", "./scripts", "./test"];

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "dist-test/",
      "dist-start-test-*/",
      "node_modules/",
      ".astro/",
      ".lab/",
      ".workshop/",
      "test-artifacts/",
      "scratch/",
    ],
  },
  {
    files: ["**/*.ts", "**/*.js", "**/*.mjs"],
    languageOptions: {
      parser: tseslint.parser,
      ecmaVersion: "latest",
      sourceType: "module",
    },
    plugins: { import: importPlugin },
    settings: {
      // Every import names its file with its extension, so Node's resolution finds it; the parser reads the
      // imported TypeScript so that cycles through type-only imports are found too.
      "import/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import/resolver": { node: { extensions: [".ts", ".js", ".mjs"] } },
      "import/extensions": [".ts", ".js", ".mjs"],
    },
    rules: {
      "import/no-cycle": ["error", { ignoreExternal: true }],
      // Every package a module imports is listed in package.json, types included: one that is installed only as
      // another package's dependency can disappear with that package's next version.
      "import/no-extraneous-dependencies": ["error", { includeTypes: true, devDependencies: true }],
      "import/no-restricted-paths": [
        "error",
        {
          zones: [
            {
              target: "./src",
              from: NOT_FOR_THE_BROWSER,
              message: "The browser's code imports shared/ only: move what both sides need there.",
            },
            {
              target: "./server",
              from: "./src",
              message: "The bridge imports shared/, never the site's code: move what both sides need there.",
            },
            {
              target: ["./server", "./scripts", "./bench", "./load"],
              from: "./test",
              message: "The tests use the code, never the other way round: move what both need to server/ or shared/.",
            },
            {
              target: "./scripts",
              from: "./bench",
              message: "npm run record and the other scripts use server/ and shared/, not the benchmarks' fixtures.",
            },
            {
              target: "./shared",
              from: ["./src", ...NOT_FOR_THE_BROWSER],
              message: "shared/ runs on both sides, so it imports neither.",
            },
          ],
        },
      ],
      // Strings, template literals and regular expressions count too: a long message, SQL text or test name is
      // split into a concatenation (or the SQL over lines, where its whitespace doesn't matter), a long regular
      // expression is written in pieces (test/support/pattern.ts). Only a URL, which can't be split, may run longer.
      "max-len": ["error", { code: 120, ignoreUrls: true }],
    },
  },
  {
    // A TypeScript file is read in one sitting (STYLE.md): past 400 lines it is split by what its parts do. Lines
    // count as `wc -l` counts them, blank lines and comments included (ESLint leaves out only the empty line after
    // the file's last newline, as wc does).
    files: ["**/*.ts"],
    rules: {
      "max-lines": ["error", { max: 400, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    // The request schemas give the page its types; importing one as a value would put zod in the page's bundle.
    files: ["src/**/*.ts"],
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [{ name: "zod", message: "The page checks no requests: zod stays out of its bundles." }],
          patterns: [
            {
              group: [
                "**/shared/api-schemas.ts",
                "**/shared/console-schemas.ts",
                "**/shared/schema-errors.ts",
                "**/shared/progress-events.ts",
              ],
              allowTypeImports: true,
              message: "The page takes the schemas' types only (import type): zod stays out of its bundles.",
            },
          ],
        },
      ],
    },
  },
);
