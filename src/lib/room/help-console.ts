// <room-help-console data-attendee="ID">: the instructor's "Help in console" for one attendee (issue 14), in the
// room's view of that attendee. It asks the hub to join the attendee's console, shows whether they accepted or
// declined, and once accepted opens a terminal attached to the attendee's own console session (both see the same
// output; both may type), until either ends the help. The state comes from the hub: polled while a request is
// open, and given by the room's feed through `update` when the room page has one.
import type { HelpState } from "../../../shared/room/feed.ts";
import type { PsqlPane } from "../console/psql-pane.ts";
import helpCss from "./help-console.css?inline";

type Stage = HelpState["state"];

interface Shown {
  requestId: string;
  attendeeId: string;
  state: Stage;
}

/** How often an open request's state is asked while no feed tells it. */
const POLL_MS = 1000;

const SAID: Record<Stage, string> = {
  asked: "Asked: waiting for the attendee to accept…",
  accepted: "Accepted: you are connected to the attendee's console.",
  declined: "The attendee declined.",
  ended: "Help ended.",
};

const MARKUP = `
  <div class="room-help__bar">
    <button type="button" class="room-help__ask">Help in console</button>
    <span class="room-help__state" role="status"></span>
    <button type="button" class="room-help__end" hidden>End help</button>
  </div>
  <div class="room-help__screen not-content" hidden></div>`;

let csrf: Promise<string> | null = null;

/** The instructor session's CSRF token, asked once per page (GET /workshop/instructor/session). */
function csrfToken(): Promise<string> {
  csrf ??= fetch("/workshop/instructor/session")
    .then((response) => call<{ csrf: string }>(response))
    .then((answer) => answer.csrf);
  csrf.catch(() => (csrf = null));
  return csrf;
}

async function call<T>(response: Response): Promise<T> {
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.error?.message ?? `The workshop answered ${response.status}.`);
  return data as T;
}

async function post<T>(path: string): Promise<T> {
  return call<T>(await fetch(path, { method: "POST", headers: { "X-CSRF-Token": await csrfToken() } }));
}

export class RoomHelpConsoleElement extends HTMLElement {
  private request: Shown | null = null;
  private pane: PsqlPane | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  private get attendee(): string {
    return this.dataset["attendee"] ?? "";
  }

  connectedCallback(): void {
    addStyle();
    this.classList.add("room-help");
    this.innerHTML = MARKUP;
    this.child("ask").addEventListener("click", () => void this.ask());
    this.child("end").addEventListener("click", () => void this.end());
    void this.load();
  }

  disconnectedCallback(): void {
    clearTimeout(this.timer);
    this.pane?.dispose();
    this.pane = null;
  }

  /** A help message from the room's feed; messages about other attendees or older requests change nothing. */
  update(message: HelpState): void {
    if (message.attendeeId !== this.attendee) return;
    if (this.request && message.requestId !== this.request.requestId && message.state !== "asked") return;
    this.show({ requestId: message.requestId, attendeeId: message.attendeeId, state: message.state });
  }

  private child(name: string): HTMLElement {
    return this.querySelector<HTMLElement>(`.room-help__${name}`)!;
  }

  /** The attendee's open request, if there is one (the room page was reloaded while helping). */
  private async load(): Promise<void> {
    try {
      const path = `/workshop/instructor/attendees/${encodeURIComponent(this.attendee)}/help`;
      const { request } = await call<{ request: Shown | null }>(await fetch(path));
      if (request) this.show(request);
    } catch (error) {
      this.say((error as Error).message);
    }
  }

  private async ask(): Promise<void> {
    const button = this.child("ask") as HTMLButtonElement;
    button.disabled = true;
    try {
      this.show(await post<Shown>(`/workshop/instructor/attendees/${encodeURIComponent(this.attendee)}/help`));
    } catch (error) {
      button.disabled = false;
      this.say((error as Error).message);
    }
  }

  private async end(): Promise<void> {
    if (!this.request) return;
    try {
      this.show(await post<Shown>(`/workshop/help/${encodeURIComponent(this.request.requestId)}/end`));
    } catch (error) {
      // Ended already (by the attendee): the next poll shows it.
      this.say((error as Error).message);
    }
  }

  private show(request: Shown): void {
    const changed = request.requestId !== this.request?.requestId || request.state !== this.request?.state;
    this.request = request;
    this.dataset["state"] = request.state;
    const open = request.state === "asked" || request.state === "accepted";
    (this.child("ask") as HTMLButtonElement).disabled = open;
    this.child("end").hidden = !open;
    if (changed) this.say(SAID[request.state]);
    if (changed && request.state === "asked") this.closeTerminal();
    if (changed && request.state === "accepted") void this.openTerminal(request.requestId);
    clearTimeout(this.timer);
    if (open) this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }

  private async poll(): Promise<void> {
    const requestId = this.request?.requestId;
    if (!requestId || !this.isConnected) return;
    try {
      this.show(await call<Shown>(await fetch(`/workshop/instructor/help/${encodeURIComponent(requestId)}`)));
    } catch {
      // The hub is away for a moment: ask again later.
      this.timer = setTimeout(() => void this.poll(), POLL_MS * 3);
    }
  }

  private async openTerminal(requestId: string): Promise<void> {
    this.closeTerminal();
    const screen = this.child("screen");
    screen.hidden = false;
    const { PsqlPane } = await import("../console/psql-pane.ts");
    if (this.request?.requestId !== requestId || this.request.state !== "accepted") return;
    const address = () => `/workshop/instructor/help/${encodeURIComponent(requestId)}/console`;
    this.pane = new PsqlPane(screen, "master", address, () => {}, 13);
    this.pane.focus();
  }

  /** Called for a new request only: after the help ended, its terminal's text stays readable until then. */
  private closeTerminal(): void {
    this.pane?.dispose();
    this.pane = null;
    const screen = this.child("screen");
    screen.replaceChildren();
    screen.hidden = true;
  }

  /** The text of the terminal, scrollback included (tests read the screen through this). */
  screenText(): string {
    return this.pane?.screenText() ?? "";
  }

  private say(text: string): void {
    this.child("state").textContent = text;
  }
}

let styled = false;

function addStyle(): void {
  if (styled) return;
  styled = true;
  const style = document.createElement("style");
  style.textContent = helpCss;
  document.head.append(style);
}

if (!customElements.get("room-help-console")) customElements.define("room-help-console", RoomHelpConsoleElement);
