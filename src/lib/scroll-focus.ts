// Boxes that scroll (a wide result table, psql's output, an error's pointer line) must be reachable by keyboard,
// or what is past their edge can't be read without a mouse (axe's scrollable-region-focusable). Only boxes that
// do scroll become tab stops: a page of short results would otherwise be a long walk of empty stops.

/** One observer for every box: a box scrolls or not as the page's width changes. */
let observer: ResizeObserver | undefined;

function update(box: HTMLElement): void {
  const scrolls = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight;
  // A table keeps its own role, which says more to a screen reader than a region would.
  const table = box instanceof HTMLTableElement;
  if (scrolls && table) {
    box.tabIndex = 0;
  } else if (scrolls) {
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", box.dataset["scrollLabel"] ?? "");
  } else {
    box.removeAttribute("tabindex");
    box.removeAttribute("role");
    box.removeAttribute("aria-label");
  }
}

/** Makes the box a labelled tab stop whenever its content is wider or taller than it is (a table: a tab stop). */
export function focusableWhenScrolling(box: HTMLElement, label: string): HTMLElement {
  box.dataset["scrollLabel"] = label;
  observer ??= new ResizeObserver((entries) => {
    for (const entry of entries) {
      const box = entry.target as HTMLElement;
      // A box taken out of the page (a cell run again replaces its answer) reports a last size of nothing:
      // letting go of it then keeps the observer from holding every answer the page ever showed.
      if (box.isConnected) update(box);
      else observer?.unobserve(box);
    }
  });
  observer.observe(box);
  return box;
}
