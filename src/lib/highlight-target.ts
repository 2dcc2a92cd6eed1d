// Deep links land where they point: opening /lessons/05-subscriptions/#cell-5 (or a heading's #id), following a
// link to it within the page, or clicking a step's own "#5" shows that element below Starlight's sticky header
// (its scroll-padding-top) and outlines it briefly. The browser scrolls to the target while the page loads; what
// scripts draw above it after that (a live monitor's chart, a server log's lines, a cell's answer) would push it
// down the page, so for a moment the page scrolls it back whenever the content changes size.

/** How long the page keeps the target in view while content above it fills in, unless the learner scrolls first. */
const SETTLE_MS = 2000;
/** The outline's fade (lab.css, .is-flashed); with reduced motion it shows as long, without fading. */
const FLASH_MS = 2500;

function targetOf(hash: string): HTMLElement | null {
  if (hash.length < 2) return null;
  let id: string;
  try {
    id = decodeURIComponent(hash.slice(1));
  } catch {
    return null;
  }
  return document.getElementById(id);
}

/** A heading is outlined with its anchor link, as Starlight wraps them. */
function flashBox(target: HTMLElement): HTMLElement {
  return target.parentElement?.classList.contains("sl-heading-wrapper") ? target.parentElement : target;
}

const timers = new WeakMap<HTMLElement, ReturnType<typeof setTimeout>>();

function flash(target: HTMLElement): void {
  const box = flashBox(target);
  box.classList.remove("is-flashed");
  // Reading the layout restarts the animation when the same element is flashed again.
  void box.offsetWidth;
  box.classList.add("is-flashed");
  clearTimeout(timers.get(box));
  timers.set(
    box,
    setTimeout(() => box.classList.remove("is-flashed"), FLASH_MS),
  );
}

/** Scrolls the target back into place each time the content's size changes, until the learner takes over. */
function keepInView(target: HTMLElement): void {
  const content = target.closest(".sl-markdown-content") ?? document.body;
  const place = () => target.scrollIntoView({ block: "start" });
  const observer = new ResizeObserver(place);
  const stop = () => {
    observer.disconnect();
    for (const type of ["wheel", "touchstart", "keydown", "pointerdown"]) removeEventListener(type, stop, true);
  };
  for (const type of ["wheel", "touchstart", "keydown", "pointerdown"])
    addEventListener(type, stop, { capture: true, passive: true });
  observer.observe(content);
  setTimeout(stop, SETTLE_MS);
  place();
}

function onLoad(): void {
  const target = targetOf(location.hash);
  if (!target) return;
  keepInView(target);
  flash(target);
}

addEventListener("hashchange", () => {
  const target = targetOf(location.hash);
  if (target) flash(target);
});

// A link to the hash the page already shows changes nothing, so no hashchange: flash it all the same.
document.addEventListener("click", (event) => {
  const link = (event.target as Element | null)?.closest?.("a[href^='#']");
  if (link && link.getAttribute("href") === location.hash) {
    const target = targetOf(location.hash);
    if (target) flash(target);
  }
});

// The cells' scripts are modules like this one: by the load event all of them ran and drew their answers.
if (document.readyState === "complete") onLoad();
else addEventListener("load", onLoad, { once: true });
