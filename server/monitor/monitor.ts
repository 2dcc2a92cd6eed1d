import { EventEmitter } from "node:events";
import { NODE_NAMES, type MonitorSample, type NodeName } from "../../shared/api-types.ts";
import { NodePools } from "../db/pools.ts";
import type { Lab } from "../lab/lab.ts";
import { RowCount } from "./row-count.ts";

/** Four samples a second: enough to see counts move, cheap enough not to slow what is being watched. */
const SAMPLE_INTERVAL_MS = 250;
/** Which follower owns which slot changes rarely; it is looked up every few seconds, not every sample. */
const SLOT_MAP_INTERVAL_MS = 2000;

interface SlotRow {
  slot_name: string;
  active: boolean;
  lag_bytes: string | null;
  retained_bytes: string | null;
  replay_lag_ms: string | null;
}

/**
 * Samples the row count of `users` on every node and each follower's lag on master, while anyone watches:
 * with no subscriber the sampler stops, so an unwatched lab does no monitoring work at all.
 */
export class Monitor extends EventEmitter<{ sample: [MonitorSample] }> {
  private readonly pools: NodePools;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private slotOwners = new Map<string, NodeName>();
  private slotsCheckedAt = 0;
  /** Each node's count of users, kept between samples (and between watchers) so that it costs what changed. */
  private readonly rowCounts = new Map(NODE_NAMES.map((name) => [name, new RowCount()]));

  constructor(private readonly lab: Lab) {
    super();
    this.pools = new NodePools(lab, { statementTimeoutMs: 2000, max: 2, applicationName: "replication-lab monitor" });
  }

  watch(listener: (sample: MonitorSample) => void): () => void {
    this.on("sample", listener);
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), SAMPLE_INTERVAL_MS);
      void this.tick();
    }
    return () => {
      this.off("sample", listener);
      if (this.listenerCount("sample") === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.pools.end();
  }

  /** One sample now, whether or not anyone watches (the load run's verdict uses it). */
  async sample(): Promise<MonitorSample> {
    const up = (name: NodeName) => this.lab.node(name).state === "up";
    if (Date.now() - this.slotsCheckedAt > SLOT_MAP_INTERVAL_MS) await this.mapSlots(up);
    const [counts, slots] = await Promise.all([
      Promise.all(NODE_NAMES.map((name) => (up(name) ? this.count(name) : Promise.resolve(null)))),
      up("master") ? this.slots() : Promise.resolve([]),
    ]);
    return {
      at: Date.now(),
      nodes: NODE_NAMES.map((name, i) => {
        const node = this.lab.node(name);
        const brokenSubscriptions = (node.subscriptions ?? []).filter((s) => s.state === "broken").map((s) => s.name);
        return { name, state: node.state, count: counts[i] ?? null, brokenSubscriptions };
      }),
      slots: slots.map((slot) => ({
        slot: slot.slot_name,
        node: this.slotOwners.get(slot.slot_name) ?? null,
        active: slot.active,
        lagBytes: slot.lag_bytes === null ? null : Number(slot.lag_bytes),
        retainedBytes: slot.retained_bytes === null ? null : Number(slot.retained_bytes),
        replayLagMs: slot.replay_lag_ms === null ? null : Number(slot.replay_lag_ms),
      })),
    };
  }

  private async tick(): Promise<void> {
    // A slow sample is skipped over rather than queued: the monitor must never pile up work on the nodes.
    if (this.busy) return;
    this.busy = true;
    try {
      this.emit("sample", await this.sample());
    } catch {
      // A node going down mid-sample shows in the next one.
    } finally {
      this.busy = false;
    }
  }

  private async count(name: NodeName): Promise<number | null> {
    try {
      return await this.rowCounts.get(name)!.count(this.pools.get(name));
    } catch {
      // No users table yet (42P01), or the node went down mid-sample: either way there is no count to show.
      return null;
    }
  }

  private async slots(): Promise<SlotRow[]> {
    try {
      const { rows } = await this.pools.get("master").query<SlotRow>({
        // Prepared once per connection (named), not planned again four times a second.
        name: "monitor-slots",
        text: `
        SELECT s.slot_name, s.active,
               pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::bigint AS lag_bytes,
               pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::bigint AS retained_bytes,
               round(extract(epoch FROM r.replay_lag) * 1000) AS replay_lag_ms
        FROM pg_replication_slots s
        LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid
        WHERE s.slot_type = 'logical'
        ORDER BY s.slot_name`,
      });
      return rows;
    } catch {
      return [];
    }
  }

  /** Which follower's subscription uses which slot on master (a stopped follower keeps its last known slots). */
  private async mapSlots(up: (name: NodeName) => boolean): Promise<void> {
    this.slotsCheckedAt = Date.now();
    await Promise.all(
      NODE_NAMES.filter((name) => name !== "master" && up(name)).map(async (name) => {
        try {
          const { rows } = await this.pools
            .get(name)
            .query<{ slot: string }>(
              "SELECT coalesce(subslotname, subname) AS slot FROM pg_subscription WHERE subdbid = (SELECT oid FROM " +
                "pg_database WHERE datname = current_database())",
            );
          for (const [slot, owner] of this.slotOwners) if (owner === name) this.slotOwners.delete(slot);
          for (const { slot } of rows) this.slotOwners.set(slot, name);
        } catch {
          // Unknown for now; the next look will tell.
        }
      }),
    );
  }
}
