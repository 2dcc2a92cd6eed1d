// The attendee's feed's messages for the page's other parts (issue 14). One EventSource per page reads the feed
// (class-client.ts); the parts that are not the dock (help in the console) get the messages of their type here,
// as DOM events, so a page never opens the feed twice.
import type { AttendeeFeedEvent } from "../../../shared/room/feed.ts";

type Message<T extends AttendeeFeedEvent["type"]> = Extract<AttendeeFeedEvent, { type: T }>;

const eventName = (type: AttendeeFeedEvent["type"]) => `workshop-feed:${type}`;

/** Passes a message the feed brought to the page's listeners of its type. */
export function relayRoomFeed(message: AttendeeFeedEvent): void {
  document.dispatchEvent(new CustomEvent(eventName(message.type), { detail: message }));
}

/** Calls `listener` with each message of `type` on the page's feed; returns a function that stops it. */
export function onRoomFeed<T extends AttendeeFeedEvent["type"]>(
  type: T,
  listener: (message: Message<T>) => void,
): () => void {
  const handle = (event: Event) => {
    try {
      listener((event as CustomEvent<Message<T>>).detail);
    } catch (error) {
      console.error(`workshop feed: ${(error as Error).message}`);
    }
  };
  document.addEventListener(eventName(type), handle);
  return () => document.removeEventListener(eventName(type), handle);
}
