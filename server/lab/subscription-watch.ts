// "up" says a node answers queries, not that it replicates: a subscription whose publisher moved or went away
// leaves its node up while nothing arrives. This watch looks at every node's subscriptions every few seconds
// and reports each as streaming, broken or disabled, for the status panel and the monitor.
import { NODE_NAMES, type NodeName, type SubscriptionHealth } from "../../shared/api-types.ts";
import { NodePools } from "../db/pools.ts";
import { loopbackPort } from "./conninfo.ts";
import type { Lab } from "./lab.ts";

const CHECK_INTERVAL_MS = 2000;
/**
 * An apply worker that can't connect exits at once and is restarted every wal_retrieve_retry_interval (5 s):
 * a subscription is broken when none has been seen running for this long.
 */
const GRACE_MS = 4000;

interface SubscriptionRow {
  subname: string;
  subenabled: boolean;
  subconninfo: string;
  pid: number | null;
}

export class SubscriptionWatch {
  private readonly pools: NodePools;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  /** When each subscription ("node/name") last had an apply worker, or was first seen without one. */
  private readonly lastWorking = new Map<string, number>();

  constructor(private readonly lab: Lab) {
    this.pools = new NodePools(lab, { statementTimeoutMs: 2000, max: 1, applicationName: "replication-lab watch" });
  }

  start(): void {
    this.timer = setInterval(() => void this.checkAll(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.pools.end();
  }

  private async checkAll(): Promise<void> {
    // A slow check is skipped over rather than queued, like the monitor's samples.
    if (this.busy) return;
    this.busy = true;
    try {
      await Promise.all(NODE_NAMES.map((name) => this.check(name)));
    } finally {
      this.busy = false;
    }
  }

  private async check(name: NodeName): Promise<void> {
    if (this.lab.node(name).state !== "up") return this.lab.reportSubscriptions(name, undefined);
    try {
      const { rows } = await this.pools.get(name).query<SubscriptionRow>(`
        SELECT s.subname, s.subenabled, s.subconninfo, w.pid
        FROM pg_subscription s
        LEFT JOIN pg_stat_subscription w ON w.subid = s.oid AND w.worker_type = 'apply'
        ORDER BY s.subname`);
      const health = rows.map((row) => this.judge(name, row));
      this.lab.reportSubscriptions(name, health.length > 0 ? health : undefined);
    } catch {
      // The node is going down or busy; the next check tells.
    }
  }

  private judge(node: NodeName, row: SubscriptionRow): SubscriptionHealth {
    const key = `${node}/${row.subname}`;
    const now = Date.now();
    const port = loopbackPort(row.subconninfo);
    const publisher = port === null ? null : `127.0.0.1:${port}`;
    const base = { name: row.subname, publisher };
    if (!row.subenabled) return { ...base, state: "disabled" };
    if (row.pid !== null || !this.lastWorking.has(key)) this.lastWorking.set(key, now);
    const idleMs = now - this.lastWorking.get(key)!;
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
