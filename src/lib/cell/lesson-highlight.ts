// A lesson cell's SQL highlighted at build time, each `{{master}}` placeholder its own element
// (`<span data-placeholder="{{master}}">`) holding the text it shows until the page knows its lab. The page then
// fills placeholders by changing those elements' text (cell-editor.ts), so shiki never has to load for them.
// Build time only: the page's scripts never import this module, or shiki would come with them.
import { createHighlighter, type Highlighter } from "shiki";
import sql from "@shikijs/langs/sql";
import { SHIKI_THEMES, SQL_HIGHLIGHT } from "./highlight.ts";
import { postgresSql } from "./sql-grammar.ts";
import { fillPlaceholdersWith, replacePlaceholders, type Conninfos } from "../../../shared/lessons/placeholders.ts";

// Characters from Unicode's private use area, which no lesson writes: inside a string literal they stay part of
// its token, as the connection string they stand for does.
const MARK_START = "\uE000";
const MARK_END = "\uE001";
const MARK = new RegExp(`${MARK_START}(\\d+)${MARK_END}`, "g");

let highlighter: Promise<Highlighter> | undefined;

/** One highlighter for the build, with the grammar the editor uses (sql-grammar.ts), not shiki's bundled one. */
async function codeToHtml(code: string): Promise<string> {
  highlighter ??= createHighlighter({ themes: Object.values(SHIKI_THEMES), langs: [postgresSql(sql)] });
  return (await highlighter).codeToHtml(code, SQL_HIGHLIGHT);
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * The template highlighted with its placeholders shown as `conninfos` fills them (the recording's connection
 * strings, or left as written). Where a placeholder's mark did not come through shiki whole, the text is
 * highlighted as filled, without placeholder elements: the page then highlights it again once filled.
 */
export async function highlightLesson(template: string, conninfos: Conninfos): Promise<string> {
  const placeholders: string[] = [];
  const marked = replacePlaceholders(template, (placeholder) => {
    placeholders.push(placeholder);
    return `${MARK_START}${placeholders.length - 1}${MARK_END}`;
  });
  const html = await codeToHtml(marked);
  const found = [...html.matchAll(MARK)].map((match) => Number(match[1]));
  if (found.length !== placeholders.length || found.some((index, i) => index !== i)) {
    return codeToHtml(fillPlaceholdersWith(template, conninfos));
  }
  return html.replace(MARK, (_, index: string) => {
    const placeholder = placeholders[Number(index)]!;
    const shown = escapeHtml(fillPlaceholdersWith(placeholder, conninfos));
    return `<span data-placeholder="${escapeHtml(placeholder)}">${shown}</span>`;
  });
}
