// Issue 15: `PUBLICATION` and `SUBSCRIPTION` in cells were plain text, because shiki's SQL grammar (written for
// SQL Server and MySQL) does not know them. Both highlighters, the build's (lesson-highlight.ts) and the editor's
// (highlight.ts, which loads when a learner edits a cell), use the grammar with PostgreSQL's words added.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../server/config.ts";
import { lessonsFromSources } from "../../shared/lessons/lesson-files.ts";
import { highlightSql } from "../../src/lib/cell/highlight.ts";
import { highlightLesson } from "../../src/lib/cell/lesson-highlight.ts";

/** Shiki's tokens as [text, style] pairs, placeholder elements taken out (they sit inside a token). */
function tokens(html: string): [string, string][] {
  const flat = html.replace(/<span data-placeholder="[^"]*">([^<]*)<\/span>/g, "$1");
  return [...flat.matchAll(/<span style="([^"]*)">([^<]*)<\/span>/g)].map((m) => [m[2]!, m[1]!]);
}

/** The style of the token holding the word, as a whole word. */
function styleOf(html: string, word: string): string {
  const found = tokens(html).find(([text]) => new RegExp(`(^|[^\\w])${word}([^\\w]|$)`).test(text));
  if (!found) throw new Error(`no token holds ${word} in ${html}`);
  return found[1];
}

const SQL = [
  "CREATE PUBLICATION users_pub FOR TABLE users;",
  "CREATE SUBSCRIPTION sub CONNECTION 'host=127.0.0.1' PUBLICATION users_pub;",
  "ALTER SUBSCRIPTION sub REFRESH PUBLICATION;",
  "DROP SUBSCRIPTION sub;",
  "SELECT pubname FROM pg_publication;",
  "SELECT subname FROM pg_stat_subscription;",
].join("\n");

const HIGHLIGHTERS = [
  ["the build's highlighting", (sql: string) => highlightLesson(sql, {})],
  ["the editor's highlighting", highlightSql],
] as const;

describe("cells highlight PostgreSQL's replication keywords", () => {
  for (const [name, highlight] of HIGHLIGHTERS) {
    it(`${name}: PUBLICATION and SUBSCRIPTION as keywords, like CREATE; pg_publication stays a name`, async () => {
      const html = await highlight(SQL);
      const keyword = styleOf(html, "CREATE");
      expect(styleOf(html, "PUBLICATION")).toBe(keyword);
      expect(styleOf(html, "SUBSCRIPTION")).toBe(keyword);
      expect(styleOf(html, "pg_publication;")).not.toBe(keyword);
      expect(styleOf(html, "pg_stat_subscription;")).not.toBe(keyword);
    });
  }

  it("the two highlighters colour every lesson cell alike", async () => {
    for (const cell of lessonCells().filter((code) => /PUBLICATION|SUBSCRIPTION/.test(code))) {
      const built = tokens(await highlightLesson(cell, {}));
      const edited = tokens(await highlightSql(cell));
      expect(built, cell).toEqual(edited);
    }
  });

  it("no lesson cell leaves an upper-case SQL word plain, but the walkthrough's wrong OPTIONS", async () => {
    const plain = tokens(await highlightSql("SELECT 1 AS plain_text")).find(([text]) => text.includes("plain_text"))!;
    const left: string[] = [];
    for (const cell of lessonCells()) {
      for (const [text, style] of tokens(await highlightLesson(cell, {}))) {
        if (style !== plain[1]) continue;
        left.push(...(text.match(/\b[A-Z][A-Z_]{2,}\b/g) ?? []).filter((word) => word !== "OPTIONS"));
      }
    }
    expect(left).toEqual([]);
  });
});

/** Every SQL cell of every lesson, as written. */
function lessonCells(): string[] {
  const dir = path.join(PROJECT_ROOT, "src/content/docs/lessons");
  const sources = Object.fromEntries(
    readdirSync(dir).map((file) => [file, readFileSync(path.join(dir, file), "utf8")] as const),
  );
  return lessonsFromSources(sources).flatMap((lesson) =>
    lesson.steps.flatMap((step) => (step.kind === "sql" ? [step.code] : [])),
  );
}
