// The attendee's side of the workshop room on every lesson page (issue 14): a small dock at the bottom of the
// screen with the instructor's broadcast (dismissible), what the instructor is doing to this attendee's lab, where
// the instructor is with a Follow toggle, and the Raise hand toggle. It only draws and takes clicks; what it shows
// comes from class-client.ts.
import type { LabActionProgress, PresenterPosition } from "../../../shared/room/feed.ts";
import { followIsOn, positionHref, positionLabel } from "./follow.ts";
import { labActionText } from "./lab-action-text.ts";
import { addStyle, DOCK_CSS } from "./styles.ts";

const DISMISSED_KEY = "replication-lab:workshop:dismissed";
/** How long a finished lab action stays shown. */
const DONE_SHOWN_MS = 20_000;

export interface DockActions {
  /** The attendee pressed Raise hand (true) or Lower hand (false). */
  hand(up: boolean): void;
  /** The attendee turned Follow on or off. */
  follow(on: boolean): void;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text = "",
): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  if (text) made.textContent = text;
  return made;
}

export class ClassDock {
  readonly root = element("aside", { class: "rl-class", "aria-label": "Workshop" });
  private readonly broadcast = element("div", { class: "rl-class__card rl-class__broadcast", role: "status" });
  private readonly broadcastText = element("p", { class: "rl-class__text" });
  private readonly action = element("div", { class: "rl-class__card rl-class__action", role: "status" });
  private readonly where = element("span", { class: "rl-class__where" });
  private readonly whereLink = element("a");
  private readonly followButton = element("button", { type: "button", class: "rl-class__follow" }, "Follow");
  private readonly handButton = element("button", { type: "button", class: "rl-class__hand" });
  private lastBroadcastAt = "";
  private actionTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(actions: DockActions) {
    addStyle("rl-class-style", DOCK_CSS);
    const dismiss = element("button", {
      type: "button",
      class: "rl-class__dismiss",
      "aria-label": "Dismiss the instructor's message",
    });
    dismiss.textContent = "×";
    dismiss.addEventListener("click", () => this.dismissBroadcast());
    this.broadcast.append(element("span", { class: "rl-class__from" }, "From your instructor"), dismiss);
    this.broadcast.append(this.broadcastText);
    this.broadcast.hidden = true;
    this.action.hidden = true;
    this.where.append("The instructor is at: ", this.whereLink);
    this.where.hidden = true;
    this.followButton.hidden = true;
    this.setFollowing(followIsOn());
    this.followButton.title = "Go where the instructor is, each time they move on";
    this.followButton.addEventListener("click", () => {
      const on = this.followButton.getAttribute("aria-pressed") !== "true";
      this.setFollowing(on);
      actions.follow(on);
    });
    this.handButton.addEventListener("click", () => {
      const up = this.handButton.getAttribute("aria-pressed") !== "true";
      this.setHand(up);
      actions.hand(up);
    });
    this.setHand(false);
    const buttons = element("span", { class: "rl-class__buttons" });
    buttons.append(this.followButton, this.handButton);
    const bar = element("div", { class: "rl-class__card rl-class__bar" });
    bar.append(this.where, buttons);
    this.root.append(this.broadcast, this.action, bar);
    document.body.append(this.root);
  }

  /** The toggle's name stays "Follow" for assistive technology, which says "pressed"; the eye reads the word. */
  private setFollowing(on: boolean): void {
    this.followButton.setAttribute("aria-pressed", String(on));
    this.followButton.textContent = on ? "Following" : "Follow";
    this.followButton.setAttribute("aria-label", "Follow");
  }

  setHand(up: boolean): void {
    this.handButton.setAttribute("aria-pressed", String(up));
    this.handButton.textContent = up ? "Hand raised" : "Raise hand";
    this.handButton.setAttribute("aria-label", "Raise hand");
    this.handButton.title = up ? "Your instructor sees your hand: press to lower it" : "Ask your instructor for help";
  }

  /** The instructor's message, unless this browser dismissed that very one. */
  showBroadcast(text: string, at: string): void {
    this.lastBroadcastAt = at;
    this.broadcastText.textContent = text;
    this.broadcast.hidden = dismissedAt() === at;
  }

  showPresenter(position: PresenterPosition | null): void {
    this.where.hidden = !position;
    this.followButton.hidden = !position;
    if (!position) return;
    this.whereLink.textContent = positionLabel(position);
    this.whereLink.href = positionHref(position);
  }

  showLabAction(progress: LabActionProgress): void {
    clearTimeout(this.actionTimer);
    this.action.dataset["state"] = progress.state;
    this.action.textContent = labActionText(progress);
    this.action.hidden = false;
    if (progress.state !== "running") this.actionTimer = setTimeout(() => (this.action.hidden = true), DONE_SHOWN_MS);
  }

  private dismissBroadcast(): void {
    this.broadcast.hidden = true;
    try {
      localStorage.setItem(DISMISSED_KEY, this.lastBroadcastAt);
    } catch {
      // Storage refused: the message shows again on the next page.
    }
  }
}

function dismissedAt(): string | null {
  try {
    return localStorage.getItem(DISMISSED_KEY);
  } catch {
    return null;
  }
}
