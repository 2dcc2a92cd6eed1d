// The page's one connection to the live monitor feed: samples of the four nodes and the load run's state,
// shared by every component that shows them.
import type { LoadState, MonitorSample } from "../../shared/api-types.ts";
import { labToken } from "./lab-client.ts";

export interface MonitorListener {
  sample?: (sample: MonitorSample) => void;
  load?: (state: LoadState) => void;
  /** Called with false while the feed is unreachable. */
  online?: (online: boolean) => void;
}

const listeners = new Set<MonitorListener>();
let source: EventSource | null = null;
let retry = 1000;
let lastLoad: LoadState | null = null;

export function watchMonitor(listener: MonitorListener): () => void {
  listeners.add(listener);
  if (lastLoad) listener.load?.(lastLoad);
  if (!source) connect();
  return () => {
    listeners.delete(listener);
    // Nobody watching: close the feed, so the bridge stops sampling.
    if (listeners.size === 0) {
      source?.close();
      source = null;
    }
  };
}

function connect() {
  const token = labToken();
  if (!token) {
    for (const listener of listeners) listener.online?.(false);
    return;
  }
  source = new EventSource(`/api/monitor?token=${encodeURIComponent(token)}`);
  source.addEventListener("open", () => {
    retry = 1000;
    for (const listener of listeners) listener.online?.(true);
  });
  source.addEventListener("sample", (event) => {
    const sample = JSON.parse((event as MessageEvent).data) as MonitorSample;
    for (const listener of listeners) listener.sample?.(sample);
  });
  source.addEventListener("load", (event) => {
    lastLoad = JSON.parse((event as MessageEvent).data) as LoadState;
    for (const listener of listeners) listener.load?.(lastLoad);
  });
  source.onerror = () => {
    source?.close();
    source = null;
    for (const listener of listeners) listener.online?.(false);
    if (listeners.size > 0) setTimeout(connect, retry);
    retry = Math.min(retry * 2, 15_000);
  };
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return "—";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
