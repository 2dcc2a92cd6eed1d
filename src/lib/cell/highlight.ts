// Highlighting while the learner edits. The page arrives highlighted at build time by the same shiki themes;
// this loads only when a cell is first edited, with the JavaScript regex engine (no WebAssembly).
import type { HighlighterCore } from "shiki/core";

export const SHIKI_THEMES = { light: "github-light", dark: "github-dark" } as const;

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
      langs: [sql.default],
      engine: createJavaScriptRegexEngine(),
    });
  })();
  return highlighter;
}

export async function highlightSql(code: string): Promise<string> {
  return (await load()).codeToHtml(code, { lang: "sql", themes: SHIKI_THEMES });
}

/** Shown at once while shiki loads or works, so the layer under the textarea never lags the text. */
export function plainHtml(code: string): string {
  const escaped = code.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<pre class="shiki"><code>${escaped}</code></pre>`;
}
