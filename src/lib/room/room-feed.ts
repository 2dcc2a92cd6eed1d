// The instructor's feed (GET /workshop/instructor/feed) as the room's page holds it: the session cookie is the
// credential (EventSource sends it on the same origin), each event's data parsed, and after a loss a new try with
// backoff from 1 s up to 15 s. EventSource retries by itself after a dropped connection, but gives up for good on
// an answer that is not a stream (a 401 after the session expired): then the page asks the caller.
import { INSTRUCTOR_FEED_PATH } from "../../../shared/room/feed.ts";

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 15_000;

export interface RoomFeedOptions {
  events: Record<string, (data: unknown) => void>;
  /** Told when the feed opens (true) and when it is lost (false). */
  online(online: boolean): void;
}

export function openRoomFeed(options: RoomFeedOptions): () => void {
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retry = FIRST_RETRY_MS;
  let active = true;

  function connect() {
    source = new EventSource(INSTRUCTOR_FEED_PATH);
    source.addEventListener("open", () => {
      retry = FIRST_RETRY_MS;
      options.online(true);
    });
    for (const [type, handle] of Object.entries(options.events)) {
      source.addEventListener(type, (event) => handle(JSON.parse((event as MessageEvent<string>).data)));
    }
    source.addEventListener("error", () => {
      options.online(false);
      if (source?.readyState !== EventSource.CLOSED || !active) return;
      source = null;
      timer = setTimeout(connect, retry);
      retry = Math.min(retry * 2, MAX_RETRY_MS);
    });
  }

  connect();
  return () => {
    active = false;
    clearTimeout(timer);
    source?.close();
  };
}
