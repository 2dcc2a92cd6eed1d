// A subscription stores its publisher's address. When a node of the lab moves port (LAB_PG_PORT, or a port
// taken by another program), the subscriptions that pointed at its old port are moved with it, so that a
// restart never leaves replication pointing at nothing while every node shows "up".
import pg from "pg";
import type { NodeName } from "../../../src/lib/api-types.ts";
import { loopbackPort, withPort } from "../conninfo.ts";
import { clientConfig, type Endpoint } from "../lab.ts";

/** A node that moved: where it was, where it is. */
export interface Move {
  node: NodeName;
  from: number;
  to: number;
}

interface SubscriptionRow {
  subname: string;
  subconninfo: string;
  datname: string;
}

/**
 * On every node, each subscription whose publisher was a node that moved gets ALTER SUBSCRIPTION ...
 * CONNECTION with the new port. Returns one sentence per subscription moved.
 */
export async function repointSubscriptions(nodes: readonly NodeName[], endpoint: (name: NodeName) => Endpoint, moves: Move[]): Promise<string[]> {
  if (moves.length === 0) return [];
  const said: string[] = [];
  for (const name of nodes) {
    const rows = await onNode(endpoint(name), "postgres", (client) =>
      client.query<SubscriptionRow>("SELECT s.subname, s.subconninfo, d.datname FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid ORDER BY s.subname"),
    );
    for (const row of rows.rows) {
      const move = moves.find((m) => m.from === loopbackPort(row.subconninfo));
      if (!move) continue;
      const conninfo = withPort(row.subconninfo, move.from, move.to);
      await onNode(endpoint(name), row.datname, async (client) => {
        await client.query(`ALTER SUBSCRIPTION ${client.escapeIdentifier(row.subname)} CONNECTION ${client.escapeLiteral(conninfo)}`);
        // A worker still trying the old address (something else listens there now, and may never answer)
        // would not see the change until that attempt ends: end it, and the launcher starts a new one.
        await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_subscription WHERE subname = $1 AND pid IS NOT NULL", [row.subname]);
      });
      said.push(`${name}: subscription ${row.subname} now connects to ${move.node} on port ${move.to} (it pointed at ${move.from})`);
    }
  }
  return said;
}

async function onNode<T>(endpoint: Endpoint, database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...clientConfig(endpoint), database, connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}
