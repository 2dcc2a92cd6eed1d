// A subscription stores its publisher's address and password. When the lab changes either (a node moved port:
// LAB_PG_PORT, or a port taken by another program; the superuser's password changed from the walkthrough's to
// the lab's own), the subscriptions that held the old one are changed with it, so that a restart never leaves
// replication pointing at nothing, or refused, while every node shows "up".
import { NODE_NAMES, type NodeName } from "../../../shared/api-types.ts";
import { credentials, loopbackPort, withPassword, withPort } from "../conninfo.ts";
import { onNode, type Endpoint } from "../lab.ts";

/** A node that moved: where it was, where it is. */
export interface Move {
  node: NodeName;
  from: number;
  to: number;
}

/**
 * One change to a subscription's connection string: the new string and what changed, in words that follow
 * "subscription NAME" (e.g. "now connects to master on port 54330 (it pointed at 54321)"), or null to leave it.
 */
export type Change = (conninfo: string) => { conninfo: string; said: string } | null;

interface SubscriptionRow {
  subname: string;
  subconninfo: string;
  datname: string;
}

/** The nodes whose port differs between `then` and `now`. */
export function portMoves(then: Record<NodeName, number>, now: Record<NodeName, number>): Move[] {
  return NODE_NAMES.filter((name) => then[name] !== now[name]).map((node) => ({
    node,
    from: then[node],
    to: now[node],
  }));
}

/** Subscriptions that pointed at a node's old port point at its new one. */
export function followMoves(moves: Move[]): Change {
  return (conninfo) => {
    const move = moves.find((m) => m.from === loopbackPort(conninfo));
    if (!move) return null;
    return {
      conninfo: withPort(conninfo, move.from, move.to),
      said: `now connects to ${move.node} on port ${move.to} (it pointed at ${move.from})`,
    };
  };
}

/**
 * Subscriptions that log in to a node of this lab (one of its ports, on loopback) as `user` with the old
 * password use the new one. Subscriptions to other servers, or as other roles, are not the lab's to change.
 */
export function followPassword(
  ports: (port: number) => NodeName | undefined,
  user: string,
  from: string,
  to: string,
): Change {
  return (conninfo) => {
    const port = loopbackPort(conninfo);
    const node = port === null ? undefined : ports(port);
    const given = credentials(conninfo);
    if (!node || given.user !== user || given.password !== from) return null;
    return {
      conninfo: withPassword(conninfo, to),
      said: `now logs in to ${node} with the lab's password (it had the walkthrough's "${from}")`,
    };
  };
}

/**
 * On every node, each subscription that a change applies to gets ALTER SUBSCRIPTION ... CONNECTION with the
 * changed string (the changes in order, each seeing the one before it). Returns one sentence per change made.
 */
export async function rewriteSubscriptions(
  nodes: readonly NodeName[],
  endpoint: (name: NodeName) => Endpoint,
  changes: Change[],
): Promise<string[]> {
  if (changes.length === 0) return [];
  const said: string[] = [];
  for (const name of nodes) {
    const rows = await onNode(endpoint(name), "postgres", (client) =>
      client.query<SubscriptionRow>(
        "SELECT s.subname, s.subconninfo, d.datname FROM pg_subscription s JOIN pg_database d ON d.oid = " +
          "s.subdbid ORDER BY s.subname",
      ),
    );
    for (const row of rows.rows) {
      let conninfo = row.subconninfo;
      const what: string[] = [];
      for (const change of changes) {
        const changed = change(conninfo);
        if (!changed) continue;
        conninfo = changed.conninfo;
        what.push(changed.said);
      }
      if (what.length === 0) continue;
      await onNode(endpoint(name), row.datname, async (client) => {
        // The new string holds the password: keep this statement out of the server log.
        await client.query("SET log_statement = 'none'; SET log_min_error_statement = 'panic'");
        await client.query(
          `ALTER SUBSCRIPTION ${client.escapeIdentifier(row.subname)} CONNECTION ${client.escapeLiteral(conninfo)}`,
        );
        // A worker still trying the old address (something else listens there now, and may never answer)
        // would not see the change until that attempt ends: end it, and the launcher starts a new one.
        await client.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_subscription WHERE subname = $1 AND pid IS NOT NULL",
          [row.subname],
        );
      });
      for (const line of what) said.push(`${name}: subscription ${row.subname} ${line}`);
    }
  }
  return said;
}
