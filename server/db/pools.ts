import pg from "pg";
import type { CellNode } from "../../shared/api-types.ts";
import { clientConfig, type Lab } from "../lab/lab.ts";
import { MAX_MESSAGE_BYTES } from "./limits.ts";
import { guardedStream } from "./wire-guard.ts";

export interface PoolOptions {
  statementTimeoutMs: number;
  /** Connections per node (default 10). */
  max?: number;
  /** Shown in pg_stat_activity, so that a lesson can tell the bridge's sessions apart. */
  applicationName?: string;
}

/**
 * One pg pool per node. A pool is rebuilt when its node's address changes (a subscriber may move port on
 * restart). Every pool has an error listener: an idle connection dropped by a stopping server must not
 * crash the bridge.
 */
export class NodePools {
  private readonly pools = new Map<CellNode, { key: string; pool: pg.Pool }>();

  constructor(
    private readonly lab: Lab,
    private readonly options: PoolOptions,
  ) {}

  get(name: CellNode): pg.Pool {
    const config = clientConfig(this.lab.cellEndpoint(name));
    const key = JSON.stringify(config);
    const existing = this.pools.get(name);
    if (existing?.key === key) return existing.pool;
    if (existing) void existing.pool.end().catch(() => {});
    const pool = new pg.Pool({
      ...config,
      max: this.options.max ?? 10,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 5_000,
      statement_timeout: this.options.statementTimeoutMs,
      application_name: this.options.applicationName ?? "replication-lab bridge",
      // Every connection reads the server through a socket that refuses oversized messages (wire-guard.ts).
      stream: guardedStream(MAX_MESSAGE_BYTES),
    });
    pool.on("error", () => {
      // The server went away under an idle connection; the pool has already dropped it.
    });
    // pg-pool takes its own error listener off a new client as it hands it over, while pg is still parsing the
    // read that finished the start-up: a FATAL in that same read (a node stopping) would be emitted before the
    // caller of connect() can listen, and end the process. A listener from the client's first moment hears it;
    // the dead connection then fails its first query, which the caller reports, and the pool drops it.
    pool.on("connect", (client) => client.on("error", () => {}));
    this.pools.set(name, { key, pool });
    return pool;
  }

  async end(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map(({ pool }) => pool.end().catch(() => {})));
  }
}
