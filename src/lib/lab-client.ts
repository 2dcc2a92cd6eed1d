// The browser's side of the bridge: the token the page was served with, JSON calls, and the live lab feed.
// Pages opened from a static host have no token, and every caller is told the lab is unreachable.
import type { LabStatus, NodeStatus } from "./api-types.ts";

export function labToken(): string | null {
  return document.querySelector<HTMLMetaElement>('meta[name="lab-token"]')?.content ?? null;
}

export async function api<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const token = labToken();
  if (!token) throw new Error("This page was not opened from a running lab.");
  const init: RequestInit = {
    method: body === undefined ? "GET" : "POST",
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  if (signal) init.signal = signal;
  const response = await fetch(path, init);
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.error?.message ?? `The bridge answered ${response.status}.`);
  return data as T;
}

export type LabListener = (status: LabStatus | null) => void;

const listeners = new Set<LabListener>();
let current: LabStatus | null = null;
let source: EventSource | null = null;
let retry = 1000;

/** One live connection per page, shared by every component that shows the lab; null while unreachable. */
export function watchLab(listener: LabListener): () => void {
  listeners.add(listener);
  listener(current);
  if (!source) connect();
  return () => listeners.delete(listener);
}

function publish(status: LabStatus | null) {
  current = status;
  for (const listener of listeners) listener(status);
}

function connect() {
  const token = labToken();
  if (!token) return publish(null);
  source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
  source.addEventListener("lab", (event) => {
    retry = 1000;
    publish(JSON.parse((event as MessageEvent).data) as LabStatus);
  });
  source.addEventListener("node", (event) => {
    const node = JSON.parse((event as MessageEvent).data) as NodeStatus;
    if (current) publish({ ...current, nodes: current.nodes.map((n) => (n.name === node.name ? node : n)) });
  });
  source.onerror = () => {
    // The bridge stopped (Ctrl+C) or restarted with a new token: show it, then try again with backoff.
    source?.close();
    source = null;
    publish(null);
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 15_000);
  };
}
