// The page's one connection to the live monitor feed: samples of the four nodes and the load run's state,
// shared by every component that shows them.
import type { LoadState, MonitorSample } from "../../shared/api-types.ts";
import { openFeed, type Feed } from "./event-feed.ts";
import { labToken } from "./lab-client.ts";

export interface MonitorListener {
  sample?: (sample: MonitorSample) => void;
  load?: (state: LoadState) => void;
  /** Called with false while the feed is unreachable. */
  online?: (online: boolean) => void;
}

const listeners = new Set<MonitorListener>();
let feed: Feed | null = null;
let lastLoad: LoadState | null = null;

export function watchMonitor(listener: MonitorListener): () => void {
  listeners.add(listener);
  if (lastLoad) listener.load?.(lastLoad);
  if (!feed?.active) feed = openFeed("/api/monitor", { token: labToken, events, online });
  return () => {
    listeners.delete(listener);
    // Nobody watching: close the feed, so the bridge stops sampling.
    if (listeners.size === 0) {
      feed?.close();
      feed = null;
    }
  };
}

const events = {
  sample(data: unknown) {
    for (const listener of listeners) listener.sample?.(data as MonitorSample);
  },
  load(data: unknown) {
    lastLoad = data as LoadState;
    for (const listener of listeners) listener.load?.(lastLoad);
  },
};

function online(up: boolean) {
  for (const listener of listeners) listener.online?.(up);
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return "—";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
