// Follow (issue 14): an attendee who turns it on goes where the instructor is, lesson page and section, each time
// the instructor's presenter page moves. The choice is kept per device (localStorage), since a laptop on the
// projector's side follows and a phone beside it may not.
import type { PresenterPosition } from "../../../shared/room/feed.ts";

const FOLLOW_KEY = "replication-lab:workshop:follow";

export function followIsOn(): boolean {
  try {
    return localStorage.getItem(FOLLOW_KEY) === "on";
  } catch {
    return false;
  }
}

export function setFollow(on: boolean): void {
  try {
    if (on) localStorage.setItem(FOLLOW_KEY, "on");
    else localStorage.removeItem(FOLLOW_KEY);
  } catch {
    // Storage refused: Follow lasts as long as this page.
  }
}

const SEEN_KEY = "replication-lab:workshop:seen-position";

/**
 * Whether `position` is news to this tab: another than the last one it was told. A page opened while following
 * gets the current position at once; it moves only when the instructor moved since this tab last heard, so an
 * attendee who follows can still open another page and read it until the instructor moves on.
 */
export function isNewPosition(position: PresenterPosition | null): boolean {
  const key = JSON.stringify(position);
  try {
    if (sessionStorage.getItem(SEEN_KEY) === key) return false;
    sessionStorage.setItem(SEEN_KEY, key);
  } catch {
    // Storage refused: every position is news, and a page that opens follows at once.
  }
  return true;
}

/** "Lesson 5 · The first subscriber", or the page's path for a page that is not a lesson. */
export function positionLabel(position: PresenterPosition): string {
  const lesson = /^\/lessons\/(\d+)-/.exec(position.path);
  const page = lesson ? `Lesson ${Number(lesson[1])}` : position.path;
  return position.title ? `${page} · ${position.title}` : page;
}

/** The position's address: its page, and its section as the fragment. */
export function positionHref(position: PresenterPosition): string {
  return position.section ? `${position.path}#${position.section}` : position.path;
}

/** Takes this page to the instructor's position: another page is loaded; on this one, the section scrolls up. */
export function goTo(position: PresenterPosition): void {
  if (normalPath(location.pathname) !== normalPath(position.path)) {
    location.assign(positionHref(position));
    return;
  }
  const scroll = (behavior: ScrollBehavior) => {
    const target = position.section ? document.getElementById(position.section) : null;
    if (target) target.scrollIntoView({ behavior, block: "start" });
    else window.scrollTo({ top: 0, behavior });
  };
  if (document.readyState === "complete") {
    scroll("smooth");
    return;
  }
  // The page is still loading (the move came as its feed opened): what loads after now moves the layout, and a
  // smooth scroll under way ends short of the section. Jump there now, and again once the page is laid out.
  scroll("instant");
  window.addEventListener("load", () => scroll("instant"), { once: true });
}

function normalPath(path: string): string {
  return path.endsWith("/") ? path : `${path}/`;
}
