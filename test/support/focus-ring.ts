// How a focused control shows its focus, read from the page: for the keyboard tests, which expect a visible,
// solid 2 px outline on a control reached with Tab.
import type { Locator } from "playwright-core";

export interface FocusRing {
  /** Whether the browser shows focus on it (:focus-visible: the keyboard brought it there). */
  visible: boolean;
  /** Its outline's style ("solid", "none", ...). */
  style: string;
  /** Its outline's width in CSS pixels. */
  width: number;
}

/** The focus ring of the element: whether it shows, and its outline's style and width. */
export function focusRing(element: Locator): Promise<FocusRing> {
  return element.evaluate((el) => {
    const style = getComputedStyle(el);
    return {
      visible: el.matches(":focus-visible"),
      style: style.outlineStyle,
      width: parseFloat(style.outlineWidth),
    };
  });
}
