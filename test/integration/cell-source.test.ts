// A cell's editor must hold exactly the lesson's SQL: what the page sends, what its "edited" mark compares
// against, and what a recording is keyed by. Whitespace inside a <textarea> is part of its value, so a component
// formatted with its SQL on a line of its own gets indented SQL; this reads the built pages and compares.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { readLessons } from "../../server/lesson-start/lessons.ts";
import { fillPlaceholdersWith, hasPlaceholders } from "../../shared/lessons/placeholders.ts";
import type { Recording } from "../../shared/lessons/recorded.ts";
import recorded from "../../src/data/recorded.json" with { type: "json" };

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'" };

function textareas(html: string): string[] {
  return [...html.matchAll(/<textarea[^>]*>([\s\S]*?)<\/textarea>/g)].map((match) =>
    match[1]!.replace(/&(lt|gt|amp|quot|#39);/g, (entity) => ENTITIES[entity]!),
  );
}

const recording = recorded as unknown as Recording;

function asBuilt(code: string): string {
  const template = code.replace(/\n+$/, "");
  if (!hasPlaceholders(template) || !recording.conninfo) return template;
  return fillPlaceholdersWith(template, recording.conninfo);
}

describe("the built lessons' cells", () => {
  it("hold exactly each SQL cell's code, in order", async () => {
    const lessons = await readLessons();
    expect(lessons.length).toBeGreaterThan(0);
    for (const lesson of lessons) {
      const page = path.join(inject("siteDir"), "lessons", lesson.file.replace(/\.mdx$/, ""), "index.html");
      // As the component writes it: trailing blank lines dropped, placeholders ({{master}}) filled in with the
      // recording's connection strings (the page fills in the running lab's).
      const codes = lesson.steps.flatMap((step) => (step.kind === "sql" ? [asBuilt(step.code)] : []));
      expect(textareas(readFileSync(page, "utf8")), lesson.file).toEqual(codes);
    }
  });
});
