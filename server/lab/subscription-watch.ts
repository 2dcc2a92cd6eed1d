// "up" says a node answers queries, not that it replicates: a subscription whose publisher moved or went away
// leaves its node up while nothing arrives. This watch looks at every node's subscriptions every few seconds
// and reports each as streaming, broken or disabled, for the status panel and the monitor. From the same look,
// with master's publications and slots, it draws the lab's replication picture (replication-picture.ts), which
// the diagram shows; a node's change of state redraws it at once from the last readings.
import {
  isNodeName,
  NODE_NAMES,
  type NodeName,
  type NodeStatus,
  type SubscriptionHealth,
} from "../../shared/api-types.ts";
import { NodePools } from "../db/pools.ts";
import { loopbackPort } from "./conninfo.ts";
import type { Lab } from "./lab.ts";
import { readMaster, subscriptionsSql, type SubscriptionRow } from "./replication-readings.ts";
import { serverMajor } from "./subscription-sql.ts";
import { replicationPicture, type MasterReading, type SubscriptionReading } from "./replication-picture.ts";

const CHECK_INTERVAL_MS = 2000;
/**
 * An apply worker that can't connect exits at once and is restarted every wal_retrieve_retry_interval (5 s):
 * a subscription is broken when none has been seen running for this long.
 */
const GRACE_MS = 4000;
/** Apply or copy errors this recent make a subscription's arrow "failing": a worker that errs restarts every 5 s. */
const ERRORS_REMEMBERED_MS = 30_000;

export class SubscriptionWatch {
  private readonly pools: NodePools;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  /** When each subscription ("node/oid") last had an apply worker, or was first seen without one. */
  private readonly lastWorking = new Map<string, number>();
  /** Each subscription's error count when last read, and when it rose, by how much (the last 30 s). */
  private readonly errors = new Map<string, { count: number; rises: { at: number; by: number }[] }>();
  /** Each node's subscriptions as last read: kept while the node is down, so that its arrows stay. */
  private readonly readings = new Map<NodeName, SubscriptionReading[]>();
  private master: MasterReading = { publications: [], slots: [] };
  private readonly onNode = (_node: NodeStatus) => this.draw();

  constructor(private readonly lab: Lab) {
    this.pools = new NodePools(lab, { statementTimeoutMs: 2000, max: 1, applicationName: "replication-lab watch" });
  }

  start(): void {
    this.timer = setInterval(() => void this.checkAll(), CHECK_INTERVAL_MS);
    this.timer.unref();
    this.lab.on("node", this.onNode);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.lab.off("node", this.onNode);
    await this.pools.end();
  }

  private async checkAll(): Promise<void> {
    // A slow check is skipped over rather than queued, like the monitor's samples.
    if (this.busy) return;
    this.busy = true;
    try {
      await Promise.all(NODE_NAMES.map((name) => this.check(name)));
      this.draw();
    } finally {
      this.busy = false;
    }
  }

  private draw(): void {
    this.lab.reportReplication(
      replicationPicture({
        nodes: this.lab.status().nodes,
        master: this.master,
        subscriptions: NODE_NAMES.flatMap((name) => this.readings.get(name) ?? []),
      }),
    );
  }

  private async check(name: NodeName): Promise<void> {
    if (this.lab.node(name).state !== "up") return this.lab.reportSubscriptions(name, undefined);
    try {
      const pool = this.pools.get(name);
      const major = serverMajor(this.lab.node(name).version);
      const { rows } = await pool.query<SubscriptionRow>(subscriptionsSql(major));
      if (name === NODE_NAMES[0]) this.master = await readMaster(pool);
      this.forgetDropped(name, rows);
      const health = rows.map((row) => this.judge(name, row));
      this.readings.set(
        name,
        rows.map((row, i) => this.reading(name, row, health[i]!)),
      );
      this.lab.reportSubscriptions(name, health.length > 0 ? health : undefined);
    } catch {
      // The node is going down or busy; the next check tells.
    }
  }

  private reading(node: NodeName, row: SubscriptionRow, health: SubscriptionHealth): SubscriptionReading {
    const port = loopbackPort(row.subconninfo);
    // A subscription pointed at lesson 12's standby is drawn as one to a server outside the four.
    const found = this.lab.status().nodes.find((n) => n.port === port && n.host === "127.0.0.1")?.name;
    const publisher = isNodeName(found) ? found : null;
    return {
      subscriber: node,
      name: row.subname,
      enabled: row.subenabled,
      publisher,
      publications: row.subpublications,
      slot: row.subslotname,
      broken: health.state === "broken" ? (health.reason ?? "it can't reach its publisher") : null,
      recentErrors: this.recentErrors(key(node, row), Number(row.errors)),
      tablesCopying: row.copying,
    };
  }

  /** How many apply or copy errors the subscription counted in the last 30 s (none at its first reading). */
  private recentErrors(key: string, count: number): number {
    const now = Date.now();
    const seen = this.errors.get(key);
    const rises = (seen?.rises ?? []).filter((rise) => now - rise.at < ERRORS_REMEMBERED_MS);
    // A count that fell was reset (pg_stat_reset_subscription_stats).
    if (seen && count > seen.count) rises.push({ at: now, by: count - seen.count });
    this.errors.set(key, { count, rises: seen && count < seen.count ? [] : rises });
    return rises.reduce((sum, rise) => sum + rise.by, 0);
  }

  /** A dropped subscription's readings go with it: one made again under its name starts with none. */
  private forgetDropped(node: NodeName, rows: SubscriptionRow[]): void {
    const present = new Set(rows.map((row) => key(node, row)));
    for (const map of [this.lastWorking, this.errors]) {
      for (const seen of map.keys()) if (seen.startsWith(`${node}/`) && !present.has(seen)) map.delete(seen);
    }
  }

  private judge(node: NodeName, row: SubscriptionRow): SubscriptionHealth {
    const id = key(node, row);
    const now = Date.now();
    const port = loopbackPort(row.subconninfo);
    const publisher = port === null ? null : `127.0.0.1:${port}`;
    const base = { name: row.subname, publisher };
    if (!row.subenabled) return { ...base, state: "disabled" };
    if (row.pid !== null || !this.lastWorking.has(id)) this.lastWorking.set(id, now);
    const idleMs = now - this.lastWorking.get(id)!;
    if (row.pid !== null || idleMs < GRACE_MS) return { ...base, state: "streaming" };
    return { ...base, state: "broken", reason: this.why(publisher, port, idleMs) };
  }

  private why(publisher: string | null, port: number | null, idleMs: number): string {
    const since = `no apply worker has run for ${Math.round(idleMs / 1000)} s`;
    if (port === null) return `${since}: it can't connect to its publisher (the subscriber's log says why)`;
    const target = this.lab.status().nodes.find((node) => node.port === port && node.host === "127.0.0.1");
    if (!target) return `${since}: it connects to ${publisher}, where no node of this lab listens`;
    if (target.state !== "up") return `${since}: its publisher, ${target.name} at ${publisher}, is ${target.state}`;
    return `${since}: ${target.name} at ${publisher} refuses it (the subscriber's log says why)`;
  }
}

/** A subscription's key in the watch's maps: its node and oid, not its name, which a new subscription can reuse. */
function key(node: NodeName, row: SubscriptionRow): string {
  return `${node}/${row.subid}`;
}
