// A lesson cell's SQL highlighted at build time, each `{{master}}` placeholder its own element
// (`<span data-placeholder="{{master}}">`) holding the text it shows until the page knows its lab. The page then
// fills placeholders by changing those elements' text (cell-editor.ts), so shiki never has to load for them.
// Build time only: the page's scripts never import this module, or shiki would come with them.
import { codeToHtml } from "shiki";
import { SQL_HIGHLIGHT } from "./highlight.ts";
import { fillPlaceholdersWith, replacePlaceholders, type Conninfos } from "../../../shared/lessons/placeholders.ts";

// Characters from Unicode's private use area, which no lesson writes: inside a string literal they stay part of
// its token, as the connection string they stand for does.
const MARK_START = "\uE000";
const MARK_END = "\uE001";
const MARK = new RegExp(`${MARK_START}(\\d+)${MARK_END}`, "g");

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
  const html = await codeToHtml(marked, SQL_HIGHLIGHT);
  const found = [...html.matchAll(MARK)].map((match) => Number(match[1]));
  if (found.length !== placeholders.length || found.some((index, i) => index !== i)) {
    return codeToHtml(fillPlaceholdersWith(template, conninfos), SQL_HIGHLIGHT);
  }
  return html.replace(MARK, (_, index: string) => {
    const placeholder = placeholders[Number(index)]!;
    const shown = escapeHtml(fillPlaceholdersWith(placeholder, conninfos));
    return `<span data-placeholder="${escapeHtml(placeholder)}">${shown}</span>`;
  });
}
