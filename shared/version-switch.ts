// The lab page's switch of each node's PostgreSQL major: what GET and POST /api/lab/versions answer.
import type { NodeName } from "./nodes.ts";

/** Where the nodes' majors came from: none said (18), LAB_PG_VERSIONS, or the lab page's last switch. */
export type PgVersionSource = "default" | "environment" | "lab-page";

/** GET /api/lab/versions: what each node runs and whether the lab page can switch it. */
export interface PgVersionsState {
  /** The majors a node may run. */
  majors: number[];
  /** Each node's major now; null where the lab doesn't choose its servers (docker, external). */
  current: Record<NodeName, number> | null;
  source: PgVersionSource | null;
  /** The majors whose binaries the lab has at hand: a switch to another downloads it first. */
  installed: number[];
  /** Set when this lab can't switch from the page: why, and what to do instead. */
  refused?: string;
  /** The last switch's progress (null before the first). */
  progress: VersionSwitchProgress | null;
}

/** A node whose major the switch changes. */
export interface VersionChange {
  node: NodeName;
  from: number;
  to: number;
}

export interface VersionSwitchProgress {
  changes: VersionChange[];
  phase: "installing" | "stopping" | "starting" | "done" | "failed";
  /** What is happening, in words for the page. */
  says: string;
  /** Bytes of the missing majors installed so far, and in all (null when the platform's sizes are unknown). */
  installedBytes: number;
  totalBytes: number | null;
  elapsedMs: number;
  /** Set when phase is `failed`: what went wrong and where each node was left. */
  error?: string;
}
