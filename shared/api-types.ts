// The messages the bridge and the browser exchange. Both sides import shared/ and nothing else of each other
// (the linter holds them to it): the site never imports server code, and the server refers to the site only
// by its build folder.

import type { LoadRequest } from "./api-schemas.ts";
import type { CellNode, NodeName } from "./nodes.ts";

export {
  CELL_NODES,
  FOLLOWER_OR_ALL,
  FOLLOWERS,
  isCellNode,
  isNodeName,
  NODE_NAMES,
  NODE_OR_ALL,
  STANDBY,
  type CellNode,
  type Follower,
  type NodeName,
  type NodeOrAll,
} from "./nodes.ts";
// The request bodies are zod schemas in api-schemas.ts, which give their types; only the types come through here,
// so that a page importing this module never bundles zod.
export type { LoadRequest, QueryRequest } from "./api-schemas.ts";

export type LabMode = "embedded" | "docker" | "external";

/**
 * starting: being initialised or started; up: accepting queries; stopping; down: stopped; error: failed, see `error`.
 */
type NodeState = "starting" | "up" | "stopping" | "down" | "error";

export interface NodeStatus {
  /** One of the four nodes, or lesson 12's standby while it exists. */
  name: CellNode;
  /** Said once, of the standby, when a lab reset removed it: the page stops showing it. */
  gone?: true;
  state: NodeState;
  /** `server_version` as the node reports it, once it has been up. */
  version: string | null;
  host: string;
  port: number;
  /** `wal_level` as the node reports it, once it has been up. */
  walLevel: string | null;
  /** Why the node is in `error` (or `down`, when known). */
  error?: string;
  /** What a starting node is doing now, e.g. "initialising a new cluster". */
  detail?: string;
  /** How the other nodes reach this one: the CONNECTION string of a subscription to it. */
  conninfo: string;
  /** This node's subscriptions and whether each replicates, while the node is up and has any. */
  subscriptions?: SubscriptionHealth[];
}

/**
 * streaming: its apply worker runs (connected to its publisher); broken: enabled, but no apply worker has run
 * for a few seconds (it can't reach or is refused by its publisher, see `reason`); disabled: by ALTER
 * SUBSCRIPTION ... DISABLE or an error with disable_on_error.
 */
export interface SubscriptionHealth {
  name: string;
  /** host:port of the publisher it connects to, when its connection string says so. */
  publisher: string | null;
  state: "streaming" | "broken" | "disabled";
  reason?: string;
}

/** A replication slot on master and the WAL it holds for its subscriber (the room's lab view and the diagram). */
export interface SlotLag {
  name: string;
  active: boolean;
  /** pg_replication_slots.wal_status: reserved, extended, unreserved or lost; null when unknown. */
  walStatus: string | null;
  /** WAL the slot's subscriber has not confirmed yet, in bytes (null when unknown). */
  bytesBehind: number | null;
}

/**
 * A slot in the lab's picture: `bytesBehind` is pg_current_wal_lsn() minus the slot's confirmed_flush_lsn (what
 * its subscriber confirmed), or its restart_lsn when it has none (a physical slot, or one never used yet); which
 * of the two is `behindFrom`.
 */
export interface SlotPicture extends SlotLag {
  behindFrom: "confirmed_flush_lsn" | "restart_lsn" | null;
}

/**
 * What a subscription arrow in the lab's diagram says, first match wins: node-down (the subscriber or its
 * publisher is not up), disabled, failing (enabled but no apply worker for a few seconds, or apply or copy errors
 * in the last 30 s), catching-up (tables still being copied, or its slot 1 MiB or more behind), streaming.
 */
export const LINK_STATES = ["streaming", "catching-up", "disabled", "failing", "node-down"] as const;
export type LinkState = (typeof LINK_STATES)[number];

/** One subscription as an arrow from its publisher to the node that holds it. */
export interface ReplicationLink {
  /** The node that holds the subscription. */
  subscriber: NodeName;
  name: string;
  /** The lab's node it connects to; null when its connection string names no node of this lab. */
  publisher: NodeName | null;
  publications: string[];
  /** Its slot on the publisher. */
  slot: string | null;
  state: LinkState;
  /** Why it is in that state, in words: "slave2 is down", "3 tables still being copied". */
  detail: string;
  /** Its slot's bytes behind on master; null when unknown (not a slot on master, or master down). */
  bytesBehind: number | null;
}

/**
 * The lab's replication as the diagram draws it: master's publications and slots, and every follower's
 * subscriptions (kept as last seen while their node is down, so that the arrow stays, marked node-down).
 */
export interface ReplicationPicture {
  publications: { name: string; allTables: boolean; tables: number }[];
  slots: SlotPicture[];
  links: ReplicationLink[];
}

export interface LabStatus {
  mode: LabMode;
  nodes: NodeStatus[];
  /** Master's publications and slots and the subscriptions, once the subscription watch looked (every 2 s). */
  replication?: ReplicationPicture;
  /**
   * Workshop mode, GET /api/lab only: the disk the attendee's lab takes (local labs: their folder as `du -s`
   * counts it; inventory labs: pg_database_size of every database on the four nodes), measured in the background
   * and at most a few seconds old; null when not measurable, or not measured yet (just after joining).
   */
  diskBytes?: number | null;
  /**
   * Workshop mode only, set by the hub: whose lab this is, so that the page can say so. The single-user lab
   * never has it. The attendee's rejoin link is not here (it is a credential): the page asks GET /workshop/me
   * for it when the attendee wants it.
   */
  workshop?: WorkshopLab;
}

/** An attendee's lab in workshop mode: the lab's id (e.g. "007", or an inventory's "lab-01") and their name. */
export interface WorkshopLab {
  labId: string;
  name: string;
}

export interface Field {
  name: string;
  /** The type as PostgreSQL names it, e.g. `integer`, `character varying(100)`. */
  type: string;
}

export interface Notice {
  severity: string;
  message: string;
  detail?: string;
  hint?: string;
  /** The server function that raised it, e.g. `CreateSubscription` (psql's LOCATION, in verbose mode). */
  routine?: string;
  /** The server source file and line of that function, e.g. `subscriptioncmds.c`, `953`. */
  file?: string;
  line?: string;
}

export interface StatementResult {
  /** The command tag's verb: SELECT, INSERT, CREATE PUBLICATION... */
  command: string;
  rowCount: number | null;
  fields: Field[];
  /** Values as PostgreSQL prints them (text), null for SQL NULL. */
  rows: (string | null)[][];
  /** True when the statement returned more rows than the bridge keeps. */
  truncated: boolean;
  notices: Notice[];
  durationMs: number;
  /** Where this statement starts and ends in the submitted text (character offsets). */
  span: [number, number];
  /** Set for psql meta-commands (`\dRp+`) and expanded display: the text psql would print. */
  psql?: string;
  /** A meta-command's own message, e.g. "Expanded display is on." */
  message?: string;
  /** Set by `\watch N`: the caller re-runs `sql` every `seconds` until told to stop. */
  watch?: { seconds: number; sql: string };
}

export interface SqlErrorInfo {
  /** SQLSTATE, e.g. `42710`; bridge-level failures use `LAB01` (node down) and friends. */
  code: string;
  message: string;
  detail?: string;
  hint?: string;
  /** 1-based position in the submitted text, in UTF-16 code units as `span`; the page's caret counts characters. */
  position?: number;
  node: CellNode;
  /** Notices raised by the failing statement before it failed. */
  notices?: Notice[];
}

export interface QueryResponse {
  node: CellNode;
  results: StatementResult[];
  error?: SqlErrorInfo;
}

export interface ApiError {
  error: { status: number; message: string; code?: BridgeCode };
}

/**
 * Every error code of the lab's own, in SQLSTATE's shape so that the page shows them as it shows PostgreSQL's.
 * A cell's or console's error carries one in `error.code` (LAB00 to LAB05, 57014), a refused API call in its
 * JSON body's `error.code` (LAB01, LAB06 to LAB10, outcome-unknown). README's "Errors and their codes" says
 * what each means; test/unit/error-codes.test.ts fails when a code the sources produce is missing there.
 */
export const BRIDGE_CODES = {
  /** Set by the page, never by the bridge: the call to the bridge itself failed (no bridge, no key, refused). */
  unreachable: "LAB00",
  /** A node that is down: a cell's or console's, or a lab action that needs the node running. */
  nodeDown: "LAB01",
  /** PostgreSQL's own query_canceled, which the bridge also gives a cell cancelled between two statements. */
  cancelled: "57014",
  /** A psql meta-command the lab does not run. */
  unsupported: "LAB02",
  noAnswer: "LAB03",
  /** All of the bridge's connections to the node are busy. */
  busy: "LAB04",
  /** A result, or one row of it, larger than the bridge keeps. */
  tooLarge: "LAB05",
  /** The lab is doing something the request would undo or collide with (a lesson's start, a load run). */
  labBusy: "LAB06",
  /** The lab's mode can't do this (stopping a docker node, reading an external node's log). */
  notInThisMode: "LAB07",
  /** A request the lab can't carry out as asked (a load run out of bounds). */
  invalidRequest: "LAB08",
  /** What the request names does not exist (a lesson). */
  notFound: "LAB09",
  /** The lab itself failed: a node that would not start, a scratch cluster that could not be made. */
  labFailed: "LAB10",
  /** Workshop mode: every lab the workshop may hand out is taken. */
  workshopFull: "LAB11",
  /** Workshop mode: the join code is unknown, expired or revoked, or the passphrase is wrong. */
  notAllowed: "LAB12",
  /** Workshop mode: no session, or one that expired: join again (or use the personal rejoin link). */
  sessionExpired: "LAB13",
  /** Workshop mode: too many instructor passphrase attempts from one address in a minute, or progress reports. */
  tooManyAttempts: "LAB14",
  /** POST /async-users: master stopped answering after the INSERT was sent; the user may have been written. */
  outcomeUnknown: "outcome-unknown",
} as const;

export type BridgeCode = (typeof BRIDGE_CODES)[keyof typeof BRIDGE_CODES];

/** One look at the lab by the live monitor: `users` counts everywhere and each follower's slot on master. */
export interface MonitorSample {
  at: number;
  /** brokenSubscriptions: the node's subscriptions that can't reach their publisher (see SubscriptionHealth). */
  nodes: { name: NodeName; state: NodeState; count: number | null; brokenSubscriptions: string[] }[];
  slots: {
    slot: string;
    /** The follower whose subscription uses the slot, when known. */
    node: NodeName | null;
    active: boolean;
    /** WAL the follower has not confirmed yet (pg_current_wal_lsn - confirmed_flush_lsn). */
    lagBytes: number | null;
    /** WAL master keeps for the slot (pg_current_wal_lsn - restart_lsn). */
    retainedBytes: number | null;
    /** pg_stat_replication.replay_lag, when master has a recent measurement. */
    replayLagMs: number | null;
  }[];
}

export interface LoadProgress {
  done: number;
  total: number;
  ok: number;
  errors: number;
  /** Requests per second so far. */
  rate: number;
}

export interface LoadSummary {
  requests: number;
  ok: number;
  durationMs: number;
  rate: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; avg: number };
  /** Failures by kind: an HTTP status ("503") or a network error code ("ECONNREFUSED"). */
  errors: Record<string, number>;
  /**
   * Requests whose outcome is unknown: answered 504 "outcome unknown" (master stopped answering after the
   * INSERT was sent) or sent with no answer at all. Each may or may not have been written.
   */
  unknown: number;
}

/**
 * A follower's subscription to `userpub`, as the load verdict sees it (pg_subscription, pg_stat_subscription and
 * pg_stat_subscription_stats on the follower, the lab's subscription watch, and the node's server log):
 * streaming: enabled, its apply worker runs, no apply error during the run; failing: its apply worker runs now
 * but failed during the run; stopped: enabled, but no apply worker runs (it failed, or can't reach or is refused
 * by its publisher); disabled: by ALTER SUBSCRIPTION ... DISABLE or disable_on_error; none: no subscription to
 * `userpub` in the follower's database.
 */
export interface FollowerLink {
  state: "streaming" | "failing" | "stopped" | "disabled" | "none";
  /** The subscription's name (not for `none`). */
  subscription?: string;
  /** Apply and table-sync errors counted while the run went (0 when the count before it is unknown). */
  errorsDuringRun: number;
  /**
   * The last error its workers logged (the embedded lab's server log), or why the subscription watch says it is broken.
   */
  lastError?: string;
}

export interface LoadNodeOutcome {
  name: NodeName;
  state: NodeState;
  /** Rows the node gained during the run (null: node down or no users table). */
  gained: number | null;
  /** When its count reached master's, counted from the last acknowledged write (null: it didn't within the wait). */
  caughtUpMs: number | null;
  /** How many rows fewer than master it held when the verdict was given (null: a count is unknown). */
  behind: number | null;
  /**
   * A follower's subscription to `userpub`, seen after the run (before it, for a follower down by then); null when
   * it could not be looked at. Absent for master.
   */
  link?: FollowerLink | null;
}

/**
 * replicated: master gained every acknowledged row and no more than acknowledged + unknown, and every follower
 * that is up holds as many rows as master. unreplicated: nothing was lost, but a follower that is up lacks rows
 * because it is not subscribed to `userpub`, or its subscription is disabled or its apply worker failed.
 * lost: master, or a follower subscribed and streaming, lacks acknowledged writes. extra: master gained more rows
 * than acknowledged + unknown (something else wrote to `users` during the run).
 */
export type LoadOutcome = "replicated" | "unreplicated" | "lost" | "extra";

export interface LoadVerdict {
  acknowledged: number;
  /** Requests whose outcome is unknown (see LoadSummary.unknown): master may hold up to this many more rows. */
  unknown: number;
  nodes: LoadNodeOutcome[];
  outcome: LoadOutcome;
  /**
   * No acknowledged write is missing from master or from a follower subscribed and streaming (outcome is not `lost`).
   */
  nothingLost: boolean;
  /** Whether master has the publication `userpub` (null: it could not be looked at). */
  publication: boolean | null;
}

export type LoadState =
  | { phase: "idle" }
  /**
   * Workshop mode: waiting for one of the hub's load slots (at most K runs at once across every lab); `place` is
   * this run's place in line, 1 being next.
   */
  | { phase: "queued"; request: LoadRequest; place: number }
  | { phase: "running"; request: LoadRequest; progress: LoadProgress; startedAt: number }
  | { phase: "verifying"; request: LoadRequest; summary: LoadSummary }
  | { phase: "done"; request: LoadRequest; summary: LoadSummary; verdict: LoadVerdict }
  | { phase: "failed"; request: LoadRequest; error: string };

/** What `POST /api/lab/scratch/lock-file-parent-pid` answers: lesson 9's containers pitfall, on a scratch cluster. */
export interface LockFileParentPidOutcome {
  /** The lock file's PID check let the second server through (the file named the server's parent). */
  pidCheckPassed: boolean;
  /** The shared-memory check stopped it: "pre-existing shared memory block ... is still in use". */
  sharedMemoryRefused: boolean;
  /** What was done and what PostgreSQL said, line by line. */
  output: string;
}

/**
 * Bringing the lab to the start of a lesson (POST /api/lab/lesson-start, then GET for progress): restored from a
 * snapshot of the lab's data folders when one was made for the same lessons and PostgreSQL version, otherwise
 * reset and replayed (and, in the embedded lab, snapshotted at every lesson boundary on the way).
 */
export interface LessonStartProgress {
  lesson: number;
  /** `restore`: from a snapshot; `replay`: reset (or an earlier lesson's snapshot) and replay. */
  how: "restore" | "replay";
  phase: "restoring" | "resetting" | "replaying" | "saving" | "done" | "failed";
  /** Steps replayed so far and in all (0 of 0 for a restore). */
  step: number;
  steps: number;
  /** What is happening, in words for the page. */
  says: string;
  elapsedMs: number;
  /** Set when phase is `failed`. */
  error?: string;
  /** False in docker and external mode: there, every request resets and replays. */
  snapshots: boolean;
}
