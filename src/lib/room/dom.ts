// Small DOM helpers for the room's page: elements made with text (never HTML from data), so an attendee's chosen
// name or SQL can't inject markup into the instructor's page.

type Child = Node | string | null | undefined | false;

/** An element with attributes (a `class`, `data-*`, ...) and children, text children as text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/** "14:05:09", the hub's time in the reader's zone. */
export function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** "1.2 kB"; bytes of WAL behind. */
export function bytes(count: number | null): string {
  if (count === null) return "–";
  if (count < 1024) return `${count} B`;
  const units = ["kB", "MB", "GB"];
  let value = count / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
