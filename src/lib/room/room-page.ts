// <room-page>: the instructor's room of a workshop (issue 14). The page is static and holds nothing secret: it
// asks the hub for the instructor's session (and says plainly when there is none, or when the site is not a
// workshop's hub), then draws the grid, the counts and the stuck list from the instructor's feed, which sends the
// whole grid at open and again after progress; an attendee's panel opens from the grid or the stuck list.
import type { HelpState, LabActionProgress } from "../../../shared/room/feed.ts";
import { ROOM_PATHS, type RoomGridData } from "../../../shared/room/room-api.ts";
import { AttendeeView } from "./attendee-view.ts";
import { drawGrid, drawStuck } from "./grid-view.ts";
import { RoomApi, RoomUnavailable } from "./room-api.ts";
import { openRoomFeed } from "./room-feed.ts";

const UNAVAILABLE: Record<RoomUnavailable["reason"], string> = {
  "not-instructor":
    "The room is the instructor's page of a workshop, and this browser is not logged in as the instructor. " +
    "Log in on the instructor's page with the passphrase the hub printed, then come back.",
  "not-a-workshop":
    "The room belongs to workshop mode (npm run workshop): this site serves one learner's lab, so there is no " +
    "class to show.",
  unreachable: "The hub does not answer: is it running?",
};

class RoomPage extends HTMLElement {
  private stopFeed: (() => void) | undefined;
  private attendee: AttendeeView | undefined;
  private lastThrough = -1;

  connectedCallback() {
    void this.start();
  }

  disconnectedCallback() {
    this.stopFeed?.();
    this.attendee?.close();
  }

  private find<T extends HTMLElement>(selector: string): T {
    return this.querySelector<T>(selector)!;
  }

  private async start(): Promise<void> {
    let api: RoomApi;
    try {
      api = await RoomApi.open();
    } catch (error) {
      const reason = error instanceof RoomUnavailable ? error.reason : "unreachable";
      this.find(".room-status__text").textContent = UNAVAILABLE[reason];
      this.find(".room-status__login").hidden = false;
      this.dataset["state"] = reason;
      return;
    }
    this.find(".room-status").hidden = true;
    this.find(".room").hidden = false;
    this.attendee = new AttendeeView(this.find(".room-attendee"), api);
    this.addEventListener("click", (event) => {
      const opener = (event.target as Element).closest<HTMLElement>("[data-open]");
      if (opener) void this.attendee!.open(opener.dataset["open"]!);
    });
    this.wireBroadcast(api);
    this.stopFeed = openRoomFeed({
      events: {
        grid: (data) => this.draw(data as RoomGridData),
        "lab-action": (data) => this.attendee!.labAction(data as LabActionProgress),
        help: (data) => this.helpChanged(data as HelpState),
      },
      online: (online) => {
        this.dataset["feed"] = online ? "live" : "lost";
        this.find(".room-feed-state").textContent = online ? "live" : "reconnecting…";
      },
    });
  }

  /** A help request moved on: the attendee's help console shows it now rather than at its next look. */
  private helpChanged(message: HelpState): void {
    for (const element of this.querySelectorAll<HTMLElement & { update?: (m: HelpState) => void }>(
      `room-help-console[data-attendee="${CSS.escape(message.attendeeId)}"]`,
    )) {
      element.update?.(message);
    }
  }

  private draw(grid: RoomGridData): void {
    this.dataset["through"] = String(grid.through);
    const joined = this.find(".room-count--joined");
    joined.textContent = String(grid.rows.length);
    this.find(".room-count--stuck").textContent = String(grid.stuck.length);
    drawStuck(this.find(".room-stuck__list"), grid.stuck);
    drawGrid(this.find(".room-grid__scroll"), grid);
    this.attendee!.setLessons([...new Set(grid.columns.map((column) => column.lesson))]);
    // The open attendee's events again when there are new ones.
    if (grid.through !== this.lastThrough) void this.attendee!.refresh();
    this.lastThrough = grid.through;
  }

  private wireBroadcast(api: RoomApi): void {
    const form = this.find<HTMLFormElement>(".room-broadcast");
    const input = form.querySelector<HTMLInputElement>("input")!;
    const status = form.querySelector<HTMLElement>(".room-broadcast__status")!;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      status.textContent = "sending…";
      try {
        await api.post(ROOM_PATHS.broadcast, { text });
        status.textContent = `✓ sent at ${new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`;
        input.value = "";
      } catch (error) {
        status.textContent = `✗ ${(error as Error).message}`;
      }
    });
  }
}

customElements.define("room-page", RoomPage);
