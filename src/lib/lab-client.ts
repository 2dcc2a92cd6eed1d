// The browser's side of the bridge: the lab's key (its API token), JSON calls, and the live lab feed.
// The bridge's pages carry no token (any local account can fetch them). The learner's browser gets it once,
// in the fragment of the address npm start prints (#lab-token=...), which is never sent to a server; the page
// keeps it in localStorage, which belongs to this origin (host and port) alone, and takes it out of the address.
// Pages opened from a static host, or without the key, have no token, and every caller is told the lab is
// unreachable.
import type { LabStatus, NodeStatus, ReplicationPicture } from "../../shared/api-types.ts";
import { openFeed, type Feed } from "./event-feed.ts";

const STORAGE_KEY = "replication-lab:token";
const FRAGMENT = /(^#|&)lab-token=([A-Za-z0-9_-]+)/;
/** Where the key is kept when localStorage can't be used (a private window may refuse it). */
let kept: string | null = null;

function adoptFragmentKey(): void {
  const match = FRAGMENT.exec(location.hash);
  if (!match) return;
  kept = match[2]!;
  try {
    localStorage.setItem(STORAGE_KEY, kept);
  } catch {
    // Kept in memory for this page only.
  }
  const rest = location.hash.replace(FRAGMENT, "$1").replace(/^#&?/, "").replace(/&$/, "");
  history.replaceState(history.state, "", `${location.pathname}${location.search}${rest ? `#${rest}` : ""}`);
}

if (typeof location !== "undefined") adoptFragmentKey();

export function labToken(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? kept;
  } catch {
    return kept;
  }
}

/** A key the bridge refused (another lab's, or from before LAB_TOKEN changed) is dropped, not retried forever. */
function forgetKey(): void {
  kept = null;
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing was stored.
  }
}

export async function api<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const token = labToken();
  if (!token) throw new Error("This page was not opened from a running lab.");
  const init: RequestInit = {
    method: body === undefined ? "GET" : "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
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
let feed: Feed | null = null;
/** The live feed was up, then lost: the next `lab` event means the lab came back (a restart, most often). */
let lost = false;

/** Dispatched on the document when the lab comes back after the page lost it, so it can say so once. */
export const LAB_BACK = "replication-lab:back";
/** Fired on document when the lab was changed from elsewhere (the instructor reset it): checks look again now. */
export const LAB_CHANGED = "replication-lab:lab-changed";

/** One live connection per page, shared by every component that shows the lab; null while unreachable. */
export function watchLab(listener: LabListener): () => void {
  listeners.add(listener);
  listener(current);
  if (!feed?.active) feed = openFeed("/api/events", { token: labToken, events, online, retry });
  return () => listeners.delete(listener);
}

function publish(status: LabStatus | null) {
  current = status;
  for (const listener of listeners) listener(status);
}

const events = {
  lab(data: unknown) {
    publish(data as LabStatus);
    if (lost) document.dispatchEvent(new CustomEvent(LAB_BACK));
    lost = false;
  },
  node(data: unknown) {
    const node = data as NodeStatus;
    if (!current) return;
    // Lesson 12's standby comes and goes: it is added when first heard of, and dropped once it is gone.
    const others = current.nodes.filter((n) => n.name !== node.name);
    const known = others.length < current.nodes.length;
    if (node.gone) publish({ ...current, nodes: others });
    else if (known) publish({ ...current, nodes: current.nodes.map((n) => (n.name === node.name ? node : n)) });
    else publish({ ...current, nodes: [...current.nodes, node] });
  },
  replication(data: unknown) {
    if (current) publish({ ...current, replication: data as ReplicationPicture });
  },
};

/** The lab shows as unreachable until its first `lab` event, which says what it is. */
function online(up: boolean) {
  if (up) return;
  if (current) lost = true;
  publish(null);
}

/**
 * The bridge stopped (Ctrl+C) or restarted: the feed tries again with backoff. A restarted lab keeps its token,
 * so the page reconnects by itself; a key the bridge now refuses is forgotten, and the feed stops.
 */
async function retry(token: string): Promise<boolean> {
  if (!(await refused(token))) return true;
  forgetKey();
  return false;
}

/** Whether the bridge answers, and refuses this key (401); false when it is down or unreachable. */
async function refused(token: string): Promise<boolean> {
  try {
    const response = await fetch("/api/lab", { headers: { Authorization: `Bearer ${token}` } });
    return response.status === 401;
  } catch {
    return false;
  }
}
