// One attendee in the room (issue 14), in a panel over the grid: why they are stuck, their lab drawn live (the lab
// endpoint is asked every LAB_POLL_MS while the panel is open), their last events with the SQL read-only and what
// it gave, the instructor's actions on their lab (reset; bring it to a lesson's start), whose progress arrives as
// lab-action messages on the room's feed, and the help console's slot (<room-help-console>, defined elsewhere).
import type { LabActionProgress } from "../../../shared/room/feed.ts";
import { ROOM_PATHS, type RoomAttendeeDetail } from "../../../shared/room/room-api.ts";
import type { StoredProgressEvent } from "../../../shared/progress-events.ts";
import { confirmThen } from "../confirm.ts";
import { clock, h } from "./dom.ts";
import { lessonTitle } from "./grid-view.ts";
import { drawLab } from "./lab-drawing.ts";
import { RoomCallFailed, type RoomApi } from "./room-api.ts";

export const LAB_POLL_MS = 2_000;

function eventLine(event: StoredProgressEvent): HTMLLIElement {
  const where = [event.lesson, event.step === undefined ? undefined : `step ${event.step}`, event.check]
    .filter(Boolean)
    .join(" · ");
  const verdict =
    event.kind === "hand"
      ? event.met
        ? "raised a hand"
        : "lowered their hand"
      : event.met === undefined
        ? event.kind
        : `${event.kind} ${event.met ? "met" : "not met"}`;
  return h(
    "li",
    {
      class: "room-event",
      "data-kind": event.kind,
      "data-met": event.met === undefined ? undefined : String(event.met),
    },
    h(
      "div",
      { class: "room-event__head" },
      h("time", { datetime: event.at }, clock(event.at)),
      ` ${verdict}`,
      where && ` · ${where}`,
    ),
    (event.sqlstate || event.message) &&
      h(
        "p",
        { class: "room-event__error" },
        event.sqlstate ? h("code", { class: "room-sqlstate" }, event.sqlstate) : "",
        event.sqlstate ? " " : "",
        event.message ?? "",
      ),
    event.sql && h("pre", { class: "room-event__sql", "aria-label": "SQL (read-only)" }, h("code", {}, event.sql)),
    event.output && h("pre", { class: "room-event__output", "aria-label": "Output" }, event.output),
  );
}

export class AttendeeView {
  private id: string | null = null;
  private poll: ReturnType<typeof setTimeout> | undefined;
  private readonly name: HTMLElement;
  private readonly lab: HTMLElement;
  private readonly events: HTMLElement;
  private readonly stuck: HTMLElement;
  private readonly action: HTMLElement;
  private readonly help: HTMLElement;
  private readonly lessonPicker: HTMLSelectElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly api: RoomApi,
  ) {
    const part = <T extends HTMLElement>(selector: string) => root.querySelector<T>(selector)!;
    this.name = part(".room-attendee__name");
    this.lab = part(".room-attendee__lab");
    this.events = part(".room-attendee__events");
    this.stuck = part(".room-attendee__stuck");
    this.action = part(".room-attendee__action");
    this.help = part(".room-attendee__help");
    this.lessonPicker = part<HTMLSelectElement>(".room-attendee__lesson");
    part(".room-attendee__close").addEventListener("click", () => this.close());
    root.addEventListener("keydown", (event) => event.key === "Escape" && this.close());
    confirmThen(part(".room-attendee__actions"), (say) => this.act(say, "reset"));
    part(".room-attendee__start").addEventListener(
      "click",
      () => void this.act((text) => this.say(text), "lesson-start"),
    );
  }

  /** The lessons the picker offers ("05-subscriptions"), from the grid's columns. */
  setLessons(lessons: string[]): void {
    const chosen = this.lessonPicker.value;
    this.lessonPicker.replaceChildren(
      ...lessons.map((lesson) => h("option", { value: Number(lesson.slice(0, 2)) }, lessonTitle(lesson))),
    );
    if (chosen) this.lessonPicker.value = chosen;
  }

  get openId(): string | null {
    return this.id;
  }

  async open(id: string): Promise<void> {
    const changed = this.id !== id;
    this.id = id;
    this.root.hidden = false;
    if (changed) {
      this.say("");
      this.lab.replaceChildren(h("p", { class: "room-empty" }, "Reading the lab…"));
      // The help console (help-console.ts) brings xterm: loaded when a first attendee is opened, not with the room.
      void import("./help-console.ts");
      const help = document.createElement("room-help-console");
      help.dataset["attendee"] = id;
      this.help.replaceChildren(help);
      this.root.querySelector<HTMLElement>(".room-attendee__close")!.focus();
    }
    await this.refresh();
    if (changed) this.pollLab();
  }

  close(): void {
    this.id = null;
    clearTimeout(this.poll);
    this.root.hidden = true;
    this.help.replaceChildren();
  }

  /** Their details again (after new progress on the feed). */
  async refresh(): Promise<void> {
    const id = this.id;
    if (!id) return;
    try {
      const detail = await this.api.attendee(id);
      if (this.id === id) this.draw(detail);
    } catch (error) {
      if (this.id === id) this.say(`✗ ${(error as Error).message}`);
    }
  }

  /** A lab action's progress from the feed, shown when it is this attendee's. */
  labAction(message: LabActionProgress): void {
    if (message.attendeeId !== this.id) return;
    const mark = message.state === "done" ? "✓" : message.state === "failed" ? "✗" : "…";
    const what = message.action === "reset" ? "Reset" : `Lesson start${message.lesson ? ` (${message.lesson})` : ""}`;
    this.say(`${mark} ${what}: ${message.message}`, message.state);
  }

  private draw(detail: RoomAttendeeDetail): void {
    this.name.textContent = `${detail.attendee.displayName} · lab ${detail.attendee.labId}`;
    this.stuck.replaceChildren(...detail.stuck.map((reason) => h("li", { "data-rule": reason.rule }, reason.text)));
    this.stuck.hidden = detail.stuck.length === 0;
    this.events.replaceChildren(
      ...(detail.events.length === 0
        ? [h("li", { class: "room-empty" }, "No events yet.")]
        : detail.events.map(eventLine)),
    );
  }

  private pollLab(): void {
    clearTimeout(this.poll);
    const id = this.id;
    if (!id) return;
    this.api
      .lab(id)
      .then((view) => this.id === id && drawLab(this.lab, view))
      .catch((error: unknown) => {
        if (this.id === id) this.lab.replaceChildren(h("p", { class: "room-empty" }, `✗ ${(error as Error).message}`));
      })
      .finally(() => {
        if (this.id === id) this.poll = setTimeout(() => this.pollLab(), LAB_POLL_MS);
      });
  }

  private async act(say: (text: string) => void, action: "reset" | "lesson-start"): Promise<void> {
    const id = this.id;
    if (!id) return;
    const lesson = Number(this.lessonPicker.value);
    say(
      action === "reset"
        ? "Asking the hub to reset the lab…"
        : `Asking the hub to bring the lab to lesson ${lesson}'s start…`,
    );
    try {
      if (action === "reset") await this.api.post(ROOM_PATHS.reset(id));
      else await this.api.post(ROOM_PATHS.lessonStart(id), { lesson });
      say("The hub took it; its progress follows here.");
    } catch (error) {
      const missing = error instanceof RoomCallFailed && error.status === 404;
      say(missing ? "✗ This hub can't do that yet (no such route)." : `✗ ${(error as Error).message}`);
    }
  }

  private say(text: string, state?: string): void {
    this.action.textContent = text;
    if (state) this.action.dataset["state"] = state;
    else delete this.action.dataset["state"];
  }
}
