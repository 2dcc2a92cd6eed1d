// pg's private parts are reached from one module, checked against one pg version: a pg upgrade, or a module
// that reaches past pg's public API on its own, fails here. test/integration/pg-internals.test.ts checks the
// parts themselves on real connections.
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PG_CHECKED } from "../../server/db/pg-internals.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const INTERNALS = path.join("server", "db", "pg-internals.ts");

async function typescriptFiles(): Promise<{ file: string; text: string }[]> {
  const files: { file: string; text: string }[] = [];
  for (const dir of ["shared", "server", "src", "load", "scripts", "bench", "test"]) {
    const entries = await fs.readdir(path.join(ROOT, dir), { withFileTypes: true, recursive: true });
    for (const entry of entries.filter((found) => found.isFile() && found.name.endsWith(".ts"))) {
      const file = path.relative(ROOT, path.join(entry.parentPath, entry.name));
      files.push({ file, text: await fs.readFile(path.join(ROOT, file), "utf8") });
    }
  }
  return files;
}

describe("pg's private parts", () => {
  it("are checked against the installed pg: its major.minor is the one pg-internals.ts names", () => {
    const installed: string = createRequire(import.meta.url)("pg/package.json").version;
    const minor = installed.split(".").slice(0, 2).join(".");
    expect(
      minor,
      `pg is ${installed}, but ${INTERNALS} was checked against ${PG_CHECKED}: check each field it reads ` +
        `against the new pg's lib/client.js and lib/connection.js, then set PG_CHECKED`,
    ).toBe(PG_CHECKED);
  });

  it("nothing imports pg-protocol (pg's own dependency, not the lab's) or pg's files by path", async () => {
    const deep = (await typescriptFiles())
      .filter(({ text }) => /from\s+["'](pg-protocol|pg\/lib)\b/.test(text))
      .map(({ file }) => file);
    expect(deep).toEqual([]);
  });

  it("no module but pg-internals.ts casts its way past pg's types", async () => {
    const casting = (await typescriptFiles())
      .filter(({ file, text }) => file !== INTERNALS && /from\s+["']pg["']/.test(text))
      .filter(({ text }) => /\bas unknown as\b/.test(text))
      .map(({ file }) => file);
    expect(casting).toEqual([]);
  });
});
