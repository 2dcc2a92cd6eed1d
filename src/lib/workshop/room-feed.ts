// The attendee's live feed from the workshop hub (GET /workshop/feed, issue 14), one EventSource per page shared by
// whoever listens: each listener gets the messages of one type. Opened on the first listener; EventSource comes
// back by itself after a drop. Only pages the hub served (<html data-workshop>) open it.
import { ATTENDEE_FEED_PATH, type AttendeeFeedEvent } from "../../../shared/room/feed.ts";

type Message<T extends AttendeeFeedEvent["type"]> = Extract<AttendeeFeedEvent, { type: T }>;

let source: EventSource | null = null;

/** Calls `listener` with each message of `type` on the page's feed; returns a function that stops it. */
export function onRoomFeed<T extends AttendeeFeedEvent["type"]>(
  type: T,
  listener: (message: Message<T>) => void,
): () => void {
  source ??= new EventSource(ATTENDEE_FEED_PATH);
  const handle = (event: MessageEvent<string>) => {
    try {
      listener(JSON.parse(event.data) as Message<T>);
    } catch (error) {
      console.error(`workshop feed: ${(error as Error).message}`);
    }
  };
  source.addEventListener(type, handle);
  return () => source?.removeEventListener(type, handle);
}
