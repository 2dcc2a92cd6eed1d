// Highlighting while the learner edits. The page arrives highlighted at build time by the same shiki themes;
// this loads only when a cell is first edited, with the JavaScript regex engine (no WebAssembly).
import type { HighlighterCore } from "shiki/core";
import { postgresSql } from "./sql-grammar.ts";

export const SHIKI_THEMES = { light: "github-light", dark: "github-dark" } as const;

/**
 * How a cell's SQL is highlighted, at build time and while editing alike. The highlighted layer sits, aria-hidden,
 * under the textarea that takes the typing: shiki's default tabindex="0" on its <pre> would put a hidden stop in
 * the keyboard's path (axe's aria-hidden-focus), so the layer is never focusable.
 */
export const SQL_HIGHLIGHT = { lang: "sql", themes: SHIKI_THEMES, tabindex: false } as const;

let highlighter: Promise<HighlighterCore> | undefined;

function load(): Promise<HighlighterCore> {
  highlighter ??= (async () => {
    const [{ createHighlighterCore }, { createJavaScriptRegexEngine }, sql, light, dark] = await Promise.all([
      import("shiki/core"),
      import("shiki/engine/javascript"),
      import("@shikijs/langs/sql"),
      import("@shikijs/themes/github-light"),
      import("@shikijs/themes/github-dark"),
    ]);
    return createHighlighterCore({
      themes: [light.default, dark.default],
      langs: [postgresSql(sql.default)],
      engine: createJavaScriptRegexEngine(),
    });
  })();
  return highlighter;
}

export async function highlightSql(code: string): Promise<string> {
  return (await load()).codeToHtml(code, SQL_HIGHLIGHT);
}

/** Shown at once while shiki loads or works, so the layer under the textarea never lags the text. */
export function plainHtml(code: string): string {
  const escaped = code.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<pre class="shiki"><code>${escaped}</code></pre>`;
}
