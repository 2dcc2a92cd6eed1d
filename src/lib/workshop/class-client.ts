// The attendee's page in a workshop (issue 14), loaded only under <html data-workshop> (entry.ts): progress kept
// on the hub merged into this browser's marks, then the room's feed (GET /workshop/feed) drawn in the dock: the
// broadcast, where the instructor is (and Follow), what the instructor does to this lab, and the raised hand.
import type { StoredProgressEvent } from "../../../shared/progress-events.ts";
import { ATTENDEE_FEED_PATH, type AttendeeFeedEvent } from "../../../shared/room/feed.ts";
import { openFeed } from "../event-feed.ts";
import { LAB_CHANGED, labToken } from "../lab-client.ts";
import { mergeLessonRecord, progressClearedAt } from "../progress.ts";
import { ClassDock } from "./class-dock.ts";
import { followIsOn, goTo, isNewPosition, setFollow } from "./follow.ts";
import { handIsUp, recordsFromEvents } from "./restore.ts";
import { relayRoomFeed } from "./room-feed.ts";

/** The attendee's own events, or null when this browser is no attendee's (an instructor's, a session gone). */
async function ownEvents(): Promise<StoredProgressEvent[] | null> {
  try {
    const response = await fetch("/workshop/me/progress", { credentials: "same-origin" });
    if (!response.ok) return null;
    return ((await response.json()) as { events: StoredProgressEvent[] }).events;
  } catch {
    return null;
  }
}

/** The lesson this page is, as the events name it ("05-subscriptions"), or undefined off the lessons. */
function pageLesson(): string | undefined {
  return /^\/lessons\/(\d{2}-[a-z0-9-]+)\/?$/.exec(location.pathname)?.[1];
}

async function postHand(up: boolean): Promise<boolean> {
  const token = labToken();
  if (!token) return false;
  const lesson = pageLesson();
  const response = await fetch("/workshop/progress", {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ kind: "hand", met: up, ...(lesson ? { lesson } : {}) }),
  }).catch(() => null);
  return response?.ok ?? false;
}

export async function startClass(): Promise<void> {
  const events = await ownEvents();
  if (!events) return;
  // What this browser cleared (Clear my changes) stays cleared: only what was reported after it comes back.
  const kept = events.filter((event) => !event.lesson || event.at > (progressClearedAt(`${event.lesson}.mdx`) ?? ""));
  for (const [file, record] of recordsFromEvents(kept)) mergeLessonRecord(file, record);
  let followed: AttendeeFeedEvent & { type: "presenter" } = { type: "presenter", position: null };
  const dock = new ClassDock({
    hand: (up) =>
      void postHand(up).then((stored) => {
        if (!stored) dock.setHand(!up);
      }),
    follow: (on) => {
      setFollow(on);
      if (on && followed.position) goTo(followed.position);
    },
  });
  dock.setHand(handIsUp(events));
  const handlers: { [T in AttendeeFeedEvent["type"]]: (message: Extract<AttendeeFeedEvent, { type: T }>) => void } = {
    broadcast: (message) => dock.showBroadcast(message.text, message.at),
    presenter: (message) => {
      const moved = isNewPosition(message.position);
      followed = message;
      dock.showPresenter(message.position);
      if (moved && message.position && followIsOn()) goTo(message.position);
    },
    hand: (message) => dock.setHand(message.up),
    "lab-action": (message) => {
      dock.showLabAction(message);
      // The lab changed under the page: its checklist and status look again now rather than at their next turn.
      if (message.state === "done") document.dispatchEvent(new CustomEvent(LAB_CHANGED));
    },
    // Help requests are drawn by help-attendee.ts, which listens through room-feed.ts.
    help: (message) => relayRoomFeed(message),
  };
  openFeed(ATTENDEE_FEED_PATH, {
    token: labToken,
    events: Object.fromEntries(
      Object.entries(handlers).map(([type, handle]) => [type, handle as (data: unknown) => void]),
    ),
    // A feed the hub refuses (the session ended) is not tried again: the page's other calls say why.
    retry: async () => (await ownEvents()) !== null,
  });
}
