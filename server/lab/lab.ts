import { EventEmitter } from "node:events";
import pg from "pg";
import {
  NODE_NAMES,
  STANDBY,
  type CellNode,
  type LabMode,
  type LabStatus,
  type NodeName,
  type NodeStatus,
  type LockFileParentPidOutcome,
  type ReplicationPicture,
  type SubscriptionHealth,
} from "../../shared/api-types.ts";
import type { PgVersionSource } from "../../shared/version-switch.ts";
import type { PgVersions } from "../pg-majors.ts";
import type { VersionSwitch } from "./embedded/version-switch.ts";
import { NotSupportedInMode } from "../errors.ts";

/** How the bridge reaches a node: what a pg client or pool needs. */
export interface Endpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Set for external nodes given as URLs; wins over the fields above. */
  connectionString?: string;
}

/**
 * What only a lab whose servers run on this machine, started by the bridge, can do: read a node's server log,
 * the lessons' demonstrations that start servers of their own next to the nodes, keep and restore the nodes'
 * data folders (lesson starts' snapshots), and tell the terminal where its password file is.
 */
export interface LocalServers {
  /** The folder holding the nodes' data folders, the password file and the server logs. */
  readonly dataDir: string;
  /** The file holding the superuser's password, for `PGPASSWORD=$(cat ...)`. */
  readonly passwordFile: string;
  /** A node's data folder (PGDATA). */
  nodeFolder(name: NodeName): string;
  /** Where each node listens now. */
  nodePorts(): Record<NodeName, number>;
  /** Stops every node, runs `work` on their folders, then starts `restart`, even when the work failed. */
  withNodesStopped(restart: readonly NodeName[], work: () => Promise<void>): Promise<void>;
  /** Subscriptions made when the nodes listened on `then` are re-pointed at where they listen now. */
  followPortMoves(then: Record<NodeName, number>): Promise<void>;
  /** The last lines of a node's server log (what postgres printed), optionally only those matching `match`. */
  logTail(name: NodeName, lines: number, match?: { test(line: string): boolean }): Promise<string[]>;
  /** A second server on a node's data folder, which its lock file refuses. */
  startSecondServer(name: NodeName): Promise<{ refused: boolean; output: string }>;
  /** Lesson 9's containers pitfall, on a throwaway cluster. */
  tryLockFileNamingParent(): Promise<LockFileParentPidOutcome>;
  /** Each node's PostgreSQL major now, and where that choice came from. */
  majors(): PgVersions;
  readonly versionSource: PgVersionSource;
  /** The lab page's switch of the nodes' majors. */
  readonly versions: VersionSwitch;
}

export interface LabEvents {
  node: [NodeStatus];
  /** The replication picture changed (the subscription watch's readings, or a node's state). */
  replication: [ReplicationPicture];
  /** Something the person starting the lab should know, e.g. a port that had to change. */
  note: [string];
}

/**
 * The lab: four PostgreSQL nodes and their states. One interface, three drivers (embedded, docker,
 * external); the drivers differ in how a node is brought up, the rest is here.
 */
export abstract class Lab extends EventEmitter<LabEvents> {
  abstract readonly mode: LabMode;
  /** The four nodes' states, and the standby's while it exists (lesson 12, embedded lab). */
  protected readonly statuses = new Map<CellNode, Omit<NodeStatus, "conninfo">>();
  private monitor: NodeJS.Timeout | undefined;

  /** Brings the lab up: every node is started (or, for nodes the lab doesn't own, looked at). */
  abstract start(): Promise<void>;
  /** Stops what the lab started. */
  abstract stop(): Promise<void>;
  abstract startNode(name: NodeName): Promise<void>;
  abstract stopNode(name: NodeName): Promise<void>;
  abstract endpoint(name: NodeName): Endpoint;

  /** Where a cell on `name` connects: one of the four nodes, or the standby once made. */
  cellEndpoint(name: CellNode): Endpoint {
    if (name !== STANDBY) return this.endpoint(name);
    this.node(STANDBY);
    return this.standbyEndpoint();
  }

  /** The standby's address; only a lab that can make one (the embedded lab) has it. */
  protected standbyEndpoint(): Endpoint {
    throw this.noStandby();
  }

  /**
   * Lesson 12's physical standby of master, as an extra node: only the embedded lab, whose servers run on this
   * machine, can make one; the other modes say how to follow the lesson without it.
   */
  makeStandby(): Promise<NodeStatus> {
    return Promise.reject(this.noStandby());
  }

  /** Stops and deletes the standby, if there is one: a lab reset does, before it resets the four nodes. */
  async removeStandby(): Promise<void> {}

  /**
   * Stops or starts the standby's server, keeping its folder: lesson 12 restarts it so that recovery settings
   * written with ALTER SYSTEM take effect, as pg_createsubscriber restarts the standby it converts.
   */
  setStandbyRunning(_running: boolean): Promise<void> {
    return Promise.reject(this.noStandby());
  }

  /** Why a cell on the standby can't run: this mode has none. The embedded lab says how to make it instead. */
  protected noStandby(): Error {
    return new NotSupportedInMode(
      `The standby is an extra node that only the embedded lab makes (lesson 12), from its own copy of master's ` +
        `data folder; in ${this.mode} mode, make a physical standby of master yourself (pg_basebackup -R) and ` +
        `connect to it with psql.`,
    );
  }

  /**
   * The lab's servers as processes on this machine, or null when they run elsewhere (docker, external nodes):
   * callers ask this rather than which driver the lab is.
   */
  localServers(): LocalServers | null {
    return null;
  }

  private picture: ReplicationPicture | undefined;

  status(): LabStatus {
    const names: CellNode[] = this.statuses.has(STANDBY) ? [...NODE_NAMES, STANDBY] : [...NODE_NAMES];
    const status: LabStatus = { mode: this.mode, nodes: names.map((name) => this.node(name)) };
    if (this.picture) status.replication = this.picture;
    return status;
  }

  /** What the subscription watch drew; announced only when it changed. */
  reportReplication(picture: ReplicationPicture): void {
    if (JSON.stringify(picture) === JSON.stringify(this.picture)) return;
    this.picture = picture;
    this.emit("replication", picture);
  }

  node(name: CellNode): NodeStatus {
    const status = this.statuses.get(name);
    if (!status && name === STANDBY) throw this.noStandby();
    if (!status) throw new Error(`the lab has no node ${name}`);
    return { ...status, conninfo: this.peerConninfo(name) };
  }

  /** The connection string another node of the lab uses to reach this one (subscriptions store it). */
  protected peerConninfo(name: CellNode): string {
    const { host, port, user, password, database } = name === STANDBY ? this.standbyEndpoint() : this.endpoint(name);
    return `host=${host} port=${port} user=${user} password=${password} dbname=${database}`;
  }

  /**
   * Said as every starting node's detail, instead of what it is doing, while set: workshop mode's local provider
   * sets it while it starts a lab parked for idleness, so the attendee's page says why their lab is starting.
   */
  startingNote: string | undefined;

  protected update(name: CellNode, patch: Partial<NodeStatus>): void {
    const previous = this.statuses.get(name);
    if (patch.state === "starting" && this.startingNote) patch = { ...patch, detail: this.startingNote };
    const { conninfo: _derived, ...own } = patch;
    const next = { ...previous, ...own } as Omit<NodeStatus, "conninfo">;
    // A new state forgets the old state's reason and progress unless the patch gives new ones.
    if (patch.state && patch.state !== previous?.state) {
      if (!("error" in patch)) delete next.error;
      if (!("detail" in patch)) delete next.detail;
    }
    this.statuses.set(name, next);
    this.emit("node", this.node(name));
  }

  /** What the subscription watch found on a node; the status changes (and is announced) only when it does. */
  reportSubscriptions(name: NodeName, subscriptions: SubscriptionHealth[] | undefined): void {
    const previous = this.statuses.get(name)?.subscriptions;
    if (JSON.stringify(previous) === JSON.stringify(subscriptions)) return;
    const { subscriptions: _old, ...rest } = this.statuses.get(name)!;
    this.statuses.set(name, subscriptions ? { ...rest, subscriptions } : rest);
    this.emit("node", this.node(name));
  }

  /** Looks at every node now (a lab that watches its nodes would otherwise only at its next look). */
  async recheck(): Promise<void> {
    await Promise.all(NODE_NAMES.map((name) => this.probe(name)));
  }

  /** Connects once and reads what the status panel shows; marks the node up or down accordingly. */
  protected async probe(name: CellNode): Promise<boolean> {
    const client = new pg.Client({ ...clientConfig(this.cellEndpoint(name)), connectionTimeoutMillis: 3000 });
    client.on("error", () => {});
    try {
      await client.connect();
      const { rows } = await client.query<{ version: string; wal_level: string }>(
        "SELECT current_setting('server_version') AS version, current_setting('wal_level') AS wal_level",
      );
      const row = rows[0];
      this.update(name, { state: "up", version: row?.version ?? null, walLevel: row?.wal_level ?? null });
      return true;
    } catch (error) {
      const reason = this.explain(name, error);
      if (this.statuses.get(name)?.state !== "down" || this.statuses.get(name)?.error !== reason) {
        this.update(name, { state: "down", error: reason });
      }
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  }

  /** Why a node can't be reached, in words that say what to do. Drivers add their own advice. */
  protected explain(name: CellNode, error: unknown): string {
    const { host, port } = this.cellEndpoint(name);
    if ((error as NodeJS.ErrnoException).code === "ECONNREFUSED")
      return `nothing answers at ${host}:${port} (ECONNREFUSED)`;
    return error instanceof Error ? error.message : String(error);
  }

  /** For nodes the lab doesn't own (docker, external): look at each node every few seconds. */
  protected watch(intervalMs = 2000): void {
    this.monitor = setInterval(() => {
      for (const name of NODE_NAMES) void this.probe(name);
    }, intervalMs);
    this.monitor.unref();
  }

  protected unwatch(): void {
    clearInterval(this.monitor);
  }

  protected refuseNodeControl(name: NodeName, how: string): never {
    throw new NotSupportedInMode(`${this.mode} mode can't stop or start ${name} from here: ${how}`);
  }
}

export function clientConfig(endpoint: Endpoint): pg.ClientConfig {
  if (endpoint.connectionString) return { connectionString: endpoint.connectionString };
  const { host, port, user, password, database } = endpoint;
  return { host, port, user, password, database };
}

/**
 * One short-lived connection to a node for the lab's own housekeeping (reset, re-pointing subscriptions), outside
 * the pools the cells use; it ends when `work` does, and a connection error never goes unheard.
 */
export async function onNode<T>(
  endpoint: Endpoint,
  database: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ ...clientConfig(endpoint), database, connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}
