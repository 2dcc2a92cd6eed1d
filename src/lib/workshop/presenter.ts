// The presenter view (issue 14): a page opened with ?present, for the projector: large type, no sidebar, no table
// of contents. On the workshop's hub with the instructor's session, the page also reports where it is (the
// heading nearest the top, once scrolling settles) so attendees see "The instructor is at …" and those who follow
// come along; "Stop" ends that. Anywhere else it is only the large view, with a way out.
import type { PresenterPosition } from "../../../shared/room/feed.ts";
import { ROOM_PATHS } from "../../../shared/room/room-api.ts";
import { addStyle, PRESENT_CSS } from "./styles.ts";

/** Scrolling settles for this long before the position is sent. */
const SETTLE_MS = 300;
/** A heading this far below the viewport's top still counts as the one at the top (Starlight's header). */
const TOP_SLACK_PX = 120;

/** The instructor's CSRF token, or null when this browser has no instructor's session here. */
async function instructorCsrf(): Promise<string | null> {
  try {
    const response = await fetch("/workshop/instructor/session", { credentials: "same-origin" });
    return response.ok ? ((await response.json()) as { csrf: string }).csrf : null;
  } catch {
    return null;
  }
}

/** The section at the top of the screen: the last heading whose top has passed the header. */
export function currentPosition(): PresenterPosition {
  const headings = [...document.querySelectorAll<HTMLElement>(".sl-markdown-content :is(h2, h3)[id]")];
  const passed = headings.filter((heading) => heading.getBoundingClientRect().top <= TOP_SLACK_PX).at(-1);
  return {
    path: location.pathname,
    section: passed?.id ?? null,
    title: passed?.textContent?.trim().slice(0, 200) || null,
  };
}

/** Links to the site's other pages keep ?present, so the presenter moves from lesson to lesson in the view. */
function keepPresentOnLinks(): void {
  document.addEventListener("click", (event) => {
    const link = (event.target as Element | null)?.closest?.("a[href]");
    if (!(link instanceof HTMLAnchorElement) || link.origin !== location.origin) return;
    if (link.pathname === location.pathname || new URL(link.href).searchParams.has("present")) return;
    const url = new URL(link.href);
    url.searchParams.set("present", "");
    link.href = url.href;
  });
}

function control(text: string): { bar: HTMLElement; said: HTMLElement } {
  const bar = document.createElement("div");
  bar.className = "rl-presenting";
  const said = document.createElement("span");
  said.textContent = text;
  bar.append(said);
  document.body.append(bar);
  return { bar, said };
}

export async function startPresenter(workshop: boolean): Promise<void> {
  addStyle("rl-present-style", PRESENT_CSS);
  document.documentElement.classList.add("rl-present");
  keepPresentOnLinks();
  const csrf = workshop ? await instructorCsrf() : null;
  if (!csrf) {
    const { bar } = control("Presenter view");
    const exit = document.createElement("a");
    exit.textContent = "Exit";
    exit.href = location.pathname + location.hash;
    bar.append(exit);
    return;
  }
  const { bar, said } = control("Presenting");
  const stop = document.createElement("button");
  stop.type = "button";
  stop.textContent = "Stop";
  bar.append(stop);
  let presenting = true;
  let sent = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const send = (method: "POST" | "DELETE", body?: PresenterPosition) =>
    fetch(ROOM_PATHS.present, {
      method,
      headers: { "X-CSRF-Token": csrf, ...(body ? { "Content-Type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }).catch(() => null);
  const report = () => {
    if (!presenting) return;
    const position = currentPosition();
    const key = JSON.stringify(position);
    if (key === sent) return;
    sent = key;
    void send("POST", position);
  };
  window.addEventListener(
    "scroll",
    () => {
      clearTimeout(timer);
      timer = setTimeout(report, SETTLE_MS);
    },
    { passive: true },
  );
  stop.addEventListener("click", () => {
    presenting = !presenting;
    said.textContent = presenting ? "Presenting" : "Not presenting";
    stop.textContent = presenting ? "Stop" : "Present";
    sent = "";
    if (presenting) report();
    else void send("DELETE");
  });
  report();
}
