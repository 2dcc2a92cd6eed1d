// The workshop dock's and the presenter view's styles (issue 14). They come with the modules that only workshop
// pages and ?present pages load, as a <style> element, so a solo page's first load carries none of their bytes.

export const DOCK_CSS = `
.rl-class {
  position: fixed; inset-inline-end: 1rem; inset-block-end: 1rem; z-index: 20;
  display: flex; flex-direction: column; align-items: stretch; gap: 0.5rem;
  width: min(26rem, calc(100vw - 2rem)); font-size: var(--sl-text-sm);
}
.rl-class [hidden] { display: none !important; }
.rl-class__card {
  background: var(--sl-color-bg-nav); color: var(--sl-color-white);
  border: 1px solid var(--sl-color-gray-5); border-radius: 0.5rem;
  box-shadow: var(--sl-shadow-md); padding: 0.6rem 0.75rem;
}
.rl-class__broadcast { border-inline-start: 4px solid var(--sl-color-accent); display: grid;
  grid-template-columns: 1fr auto; gap: 0.1rem 0.5rem; align-items: start; }
.rl-class__from { font-size: var(--sl-text-xs); color: var(--sl-color-gray-2); font-weight: 600; }
.rl-class__text { grid-column: 1; margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.rl-class__dismiss { grid-column: 2; grid-row: 1 / span 2; }
.rl-class__action[data-state="failed"] { border-inline-start: 4px solid var(--sl-color-red); }
.rl-class__action[data-state="done"] { border-inline-start: 4px solid var(--sl-color-green); }
.rl-class__action[data-state="running"] { border-inline-start: 4px solid var(--sl-color-orange); }
.rl-class__bar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; }
.rl-class__where { flex: 1 1 12rem; min-width: 0; }
.rl-class__where a { overflow-wrap: anywhere; }
.rl-class__buttons { display: flex; gap: 0.5rem; margin-inline-start: auto; }
.rl-class button {
  font: inherit; cursor: pointer; border-radius: 999px; padding: 0.25rem 0.75rem;
  border: 1px solid var(--sl-color-gray-4); background: var(--sl-color-bg); color: var(--sl-color-white);
}
.rl-class button[aria-pressed="true"] {
  background: var(--sl-color-accent); border-color: var(--sl-color-accent); color: var(--sl-color-black);
}
.rl-class .rl-class__dismiss { border: none; background: none; padding: 0 0.25rem; font-size: 1.2rem; line-height: 1; }
.rl-class button:focus-visible { outline: 2px solid var(--sl-color-accent); outline-offset: 2px; }
/* The page's end scrolls clear of the dock. */
:root[data-workshop] body { padding-block-end: 7rem; }
/* With the table of contents beside the lesson, the dock sits in that column, clear of the cells' buttons. */
@media (min-width: 72rem) {
  .rl-class { width: 16.5rem; }
}
@media (max-width: 50rem) {
  .rl-class { inset-inline: 0.5rem; inset-block-end: 0.5rem; width: auto; gap: 0.35rem; }
  .rl-class__card { padding: 0.4rem 0.6rem; }
  .rl-class__where { flex-basis: 100%; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
    font-size: var(--sl-text-xs); }
  .rl-class__buttons { margin-inline-start: 0; width: 100%; justify-content: flex-end; }
}
`;

export const PRESENT_CSS = `
:root.rl-present { --sl-sidebar-width: 0rem; --sl-content-width: 80rem; }
:root.rl-present nav.sidebar, :root.rl-present .right-sidebar-container, :root.rl-present mobile-starlight-toc,
:root.rl-present starlight-menu-button, :root.rl-present .rl-class { display: none !important; }
:root.rl-present .main-frame { padding-inline-start: 0 !important; }
/* Large for the projector; on a narrow screen (a phone used as a remote) as large as fits, whole words. */
:root.rl-present main { font-size: clamp(1.1rem, 4.5vw, 1.5rem); }
:root.rl-present .sl-markdown-content { font-size: clamp(1.1rem, 4.5vw, 1.5rem); line-height: 1.6; }
:root.rl-present .sl-markdown-content :is(pre, code, textarea) { font-size: clamp(0.9rem, 3.5vw, 1.25rem); }
:root.rl-present h1#_top { font-size: clamp(1.9rem, 8.5vw, 3.2rem); overflow-wrap: normal; }
.rl-presenting {
  position: fixed; inset-inline-end: 1rem; inset-block-end: 1rem; z-index: 30;
  display: flex; gap: 0.75rem; align-items: center; padding: 0.4rem 0.8rem; border-radius: 999px;
  background: var(--sl-color-bg-nav); color: var(--sl-color-white); border: 1px solid var(--sl-color-gray-5);
  box-shadow: var(--sl-shadow-md); font-size: 1rem;
}
.rl-presenting button, .rl-presenting a {
  font: inherit; cursor: pointer; border-radius: 999px; padding: 0.15rem 0.7rem;
  border: 1px solid var(--sl-color-gray-4); background: var(--sl-color-bg); color: var(--sl-color-white);
  text-decoration: none;
}
`;

/** Adds `css` to the page once. */
export function addStyle(id: string, css: string): void {
  if (document.getElementById(id)) return;
  const style = document.createElement("style");
  style.id = id;
  style.textContent = css;
  document.head.append(style);
}
