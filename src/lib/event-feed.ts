// The page's server-sent-event feeds from the bridge (the lab's node states, the live monitor), opened and kept
// one way: events parsed from JSON, and after a loss (the bridge stopped or restarted) a new try with backoff,
// from 1 s up to 15 s, until the page closes the feed or the caller says to give up.

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 15_000;

export interface FeedOptions {
  /** The bridge's key, read at each try; without one the feed goes offline and stops. */
  token: () => string | null;
  /** What to do with each type of event, given its data parsed. */
  events: Record<string, (data: unknown) => void>;
  /** The feed opened (true), or was lost or could not start (false). */
  online?: (online: boolean) => void;
  /** Asked after each loss: false stops trying (a key the bridge refuses). */
  retry?: (token: string) => Promise<boolean>;
}

export interface Feed {
  /** False once the feed stopped for good: closed, no key, or told not to try again. */
  readonly active: boolean;
  close(): void;
}

/** Opens `path` as a feed that reconnects by itself; the key goes in the query, as EventSource sets no headers. */
export function openFeed(path: string, options: FeedOptions): Feed {
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retry = FIRST_RETRY_MS;
  let active = true;

  const stop = () => {
    active = false;
    clearTimeout(timer);
    source?.close();
    source = null;
  };

  const lost = async (token: string) => {
    source?.close();
    source = null;
    options.online?.(false);
    const again = options.retry ? await options.retry(token) : true;
    if (!active) return;
    if (!again) return stop();
    timer = setTimeout(connect, retry);
    retry = Math.min(retry * 2, MAX_RETRY_MS);
  };

  function connect() {
    const token = options.token();
    if (!token) {
      stop();
      options.online?.(false);
      return;
    }
    source = new EventSource(`${path}?token=${encodeURIComponent(token)}`);
    source.addEventListener("open", () => {
      retry = FIRST_RETRY_MS;
      options.online?.(true);
    });
    for (const [type, handle] of Object.entries(options.events)) {
      source.addEventListener(type, (event) => handle(JSON.parse((event as MessageEvent).data)));
    }
    source.onerror = () => void lost(token);
  }

  connect();
  return {
    get active() {
      return active;
    },
    close: stop,
  };
}
