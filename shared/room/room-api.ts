// The instructor's room's API as JSON (issue 14): what server/workshop/room/room-routes.ts answers and the room's
// page (src/lib/room/) reads. The hub builds these from its own types (grid.ts, stuck.ts), and the routes declare
// their answers with these, so the compiler holds both sides to one shape.
import type { SlotLag } from "../api-types.ts";
import type { StoredProgressEvent } from "../progress-events.ts";
import type { RoomColumn } from "./columns.ts";

export type RoomMark = "done" | "failed" | "not-yet";

export interface RoomAttendeeData {
  id: string;
  displayName: string;
  labId: string;
}

export interface RoomStuckReason {
  rule: "failed-repeatedly" | "unexpected-error" | "idle" | "hand";
  text: string;
  lesson?: string;
  step?: number;
}

export interface RoomLastError {
  lesson?: string | undefined;
  step?: number | undefined;
  check?: string | undefined;
  sqlstate?: string | undefined;
  message?: string | undefined;
  at: string;
}

export interface RoomStuckEntry {
  attendee: RoomAttendeeData;
  reasons: RoomStuckReason[];
  lastError?: RoomLastError;
}

/** GET /workshop/instructor/grid, and the feed's `grid` event. */
export interface RoomGridData {
  stuck: RoomStuckEntry[];
  columns: RoomColumn[];
  rows: { attendee: RoomAttendeeData; marks: RoomMark[] }[];
  counts: { columnId: string; done: number; of: number }[];
  /** The highest progress event id the grid includes; 0 before any. */
  through: number;
}

/** GET /workshop/instructor/attendees/:id */
export interface RoomAttendeeDetail {
  attendee: RoomAttendeeData;
  /** Their last events, newest first, with the SQL and output (the read-only view). */
  events: StoredProgressEvent[];
  stuck: RoomStuckReason[];
  lastError?: RoomLastError;
}

export interface LabViewSubscription {
  name: string;
  enabled: boolean;
  /** The slot it streams from, on its publisher. */
  slot: string | null;
  /** The apply worker's process id; null when none runs (disabled, or it can't reach its publisher). */
  workerPid: number | null;
  /** What the apply worker is doing (pg_stat_activity's state and wait event), null without one. */
  workerState: string | null;
  receivedLsn: string | null;
  latestEndLsn: string | null;
}

export interface LabViewNode {
  name: "master" | "slave1" | "slave2" | "slave3";
  state: "starting" | "up" | "stopping" | "down" | "error";
  /** Why it is down, or what reading it failed on. */
  error?: string;
  subscriptions: LabViewSubscription[];
}

/** A slot on master as the room draws it: the lab status's own type. */
export type LabViewSlot = SlotLag;

export interface LabViewLag {
  follower: LabViewNode["name"];
  /** The most any of its subscriptions' slots is behind on the master, in bytes; null without a known slot. */
  bytesBehind: number | null;
}

/** GET /workshop/instructor/attendees/:id/lab: a parked lab is not started to be drawn. */
export type LabView = { labId: string } & (
  { state: "parked" } | { state: "running"; nodes: LabViewNode[]; slots: LabViewSlot[]; lag: LabViewLag[]; at: string }
);

export const ROOM_PATHS = {
  session: "/workshop/instructor/session",
  grid: "/workshop/instructor/grid",
  csv: "/workshop/instructor/progress.csv",
  broadcast: "/workshop/instructor/broadcast",
  present: "/workshop/instructor/present",
  attendee: (id: string) => `/workshop/instructor/attendees/${encodeURIComponent(id)}`,
  lab: (id: string) => `/workshop/instructor/attendees/${encodeURIComponent(id)}/lab`,
  reset: (id: string) => `/workshop/instructor/attendees/${encodeURIComponent(id)}/reset`,
  lessonStart: (id: string) => `/workshop/instructor/attendees/${encodeURIComponent(id)}/lesson-start`,
} as const;
