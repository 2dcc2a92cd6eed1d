// Every error code the lab produces is one a reader can look up: README's "Errors and their codes" must name
// each code the sources can produce, and only those, so that the list can't drift from the code.
import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BRIDGE_CODES } from "../../shared/api-types.ts";
import * as errors from "../../server/errors.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** Where code that runs in the bridge or the page lives (lessons' MDX included: a cell may expect a code). */
const SOURCES = ["shared", "server", "src", "load", "scripts"];

async function documentedCodes(): Promise<string[]> {
  const readme = await fs.readFile(path.join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("### Errors and their codes");
  expect(start, 'README has a section "Errors and their codes"').toBeGreaterThan(-1);
  const section = readme.slice(start, readme.indexOf("\n#", start + 1));
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]!);
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(ROOT, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(ts|astro|mdx)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** The lab's codes the sources name, by file: `LAB01` in a comment, `"LAB01"` in code, `error:LAB01` in a lesson. */
async function namedCodes(pattern = /\bLAB\d+\b/g): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (const dir of SOURCES) {
    for (const file of await sourceFiles(dir)) {
      const codes = [...(await fs.readFile(file, "utf8")).matchAll(pattern)].map((match) => match[0]);
      if (codes.length > 0) found.set(path.relative(ROOT, file), codes);
    }
  }
  return found;
}

/** The domain error classes of server/errors.ts, each with the code its instances carry. */
function domainErrorCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const [name, value] of Object.entries(errors)) {
    if (typeof value !== "function" || !(value.prototype instanceof errors.DomainError)) continue;
    const error = new (value as unknown as new (message: string) => errors.DomainError)("a sentence");
    codes.set(name, error.code);
  }
  return codes;
}

describe("error codes", () => {
  it("README documents every code of BRIDGE_CODES, every domain error's and every one the sources name", async () => {
    const documented = new Set(await documentedCodes());
    for (const code of Object.values(BRIDGE_CODES)) expect(documented, `BRIDGE_CODES' ${code}`).toContain(code);
    for (const [name, code] of domainErrorCodes()) expect(documented, `${name}'s code ${code}`).toContain(code);
    for (const [file, codes] of await namedCodes()) {
      for (const code of codes) expect(documented, `${code}, written in ${file}`).toContain(code);
    }
  });

  it("README documents no code the sources don't produce", async () => {
    const produced = new Set<string>(Object.values(BRIDGE_CODES));
    for (const code of await documentedCodes()) expect(produced, `README's ${code}`).toContain(code);
  });

  it("code uses BRIDGE_CODES rather than writing a code out, so that none escapes the checks above", async () => {
    const literals = await namedCodes(/["'`]LAB\d+["'`]/g);
    literals.delete(path.join("shared", "api-types.ts"));
    expect(Object.fromEntries(literals)).toEqual({});
  });

  it("every domain error of server/errors.ts has a code, and the ten are there", () => {
    expect(Object.fromEntries(domainErrorCodes())).toEqual({
      NodeNotRunning: "LAB01",
      LabBusy: "LAB06",
      NotSupportedInMode: "LAB07",
      InvalidRequest: "LAB08",
      NotFound: "LAB09",
      LabError: "LAB10",
      WorkshopFull: "LAB11",
      NotAllowed: "LAB12",
      SessionExpired: "LAB13",
      TooManyAttempts: "LAB14",
    });
  });
});
