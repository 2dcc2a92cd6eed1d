// An attendee's lab as the instructor's room draws it (issue 14): the four nodes' states, each node's
// subscriptions with their apply worker, the master's replication slots and how far behind each is, and the lag of
// each follower. Fixed read-only SQL, in read-only transactions with a short statement timeout, on connections of
// its own: a look never changes the lab nor waits long on it. A node that is down is drawn down, with the reason.
import pg from "pg";
import { NODE_NAMES, type NodeName } from "../../../shared/api-types.ts";
import type {
  LabViewLag as ViewLag,
  LabViewNode as ViewNode,
  LabViewSlot as ViewSlot,
  LabViewSubscription as ViewSubscription,
} from "../../../shared/room/room-api.ts";
import { clientConfig, type Lab } from "../../lab/lab.ts";
import { isApplyWorker, serverMajor } from "../../lab/subscription-sql.ts";

export interface RunningLabView {
  state: "running";
  nodes: ViewNode[];
  slots: ViewSlot[];
  lag: ViewLag[];
  at: string;
}

const TIMEOUT_MS = 3_000;

/** A node's subscriptions with their apply workers, on the node's major (LAB_PG_VERSIONS allows 14 to 18). */
const subscriptionsSql = (major: number) => `
  SELECT s.subname AS name, s.subenabled AS enabled, s.subslotname AS slot, w.pid,
         CASE WHEN a.pid IS NULL THEN NULL ELSE concat_ws(' · ', a.state, a.wait_event) END AS worker_state,
         w.received_lsn::text, w.latest_end_lsn::text
    FROM pg_subscription s
    LEFT JOIN pg_stat_subscription w ON w.subid = s.oid AND ${isApplyWorker(major)}
    LEFT JOIN pg_stat_activity a ON a.pid = w.pid
   ORDER BY s.subname`;

const SLOTS_SQL = `
  SELECT slot_name AS name, active, wal_status,
         pg_wal_lsn_diff(pg_current_wal_lsn(), coalesce(confirmed_flush_lsn, restart_lsn))::bigint AS behind
    FROM pg_replication_slots
   ORDER BY slot_name`;

interface SubscriptionRow {
  name: string;
  enabled: boolean;
  slot: string | null;
  pid: number | null;
  worker_state: string | null;
  received_lsn: string | null;
  latest_end_lsn: string | null;
}

interface SlotRow {
  name: string;
  active: boolean;
  wal_status: string | null;
  behind: string | null;
}

/** Runs fixed read-only queries on one node, on a connection of their own. */
async function readNode<T>(lab: Lab, node: NodeName, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    ...clientConfig(lab.endpoint(node)),
    connectionTimeoutMillis: TIMEOUT_MS,
    statement_timeout: TIMEOUT_MS,
    options: "-c default_transaction_read_only=on",
    application_name: "replication-lab room",
  });
  client.on("error", () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function nodeView(lab: Lab, name: NodeName): Promise<{ node: ViewNode; slots: ViewSlot[] }> {
  const status = lab.node(name);
  const down = (error?: string): { node: ViewNode; slots: ViewSlot[] } => ({
    node: {
      name,
      state: status.state === "up" ? "down" : status.state,
      subscriptions: [],
      ...(error ? { error } : {}),
    },
    slots: [],
  });
  if (status.state !== "up") return down(status.error);
  try {
    return await readNode(lab, name, async (client) => {
      const sql = subscriptionsSql(serverMajor(status.version));
      const subscriptions = (await client.query<SubscriptionRow>(sql)).rows.map(toSubscription);
      const slots = name === "master" ? (await client.query<SlotRow>(SLOTS_SQL)).rows.map(toSlot) : [];
      return { node: { name, state: "up", subscriptions }, slots };
    });
  } catch (error) {
    return down(error instanceof Error ? error.message : String(error));
  }
}

function toSubscription(row: SubscriptionRow): ViewSubscription {
  return {
    name: row.name,
    enabled: row.enabled,
    slot: row.slot,
    workerPid: row.pid,
    workerState: row.worker_state,
    receivedLsn: row.received_lsn,
    latestEndLsn: row.latest_end_lsn,
  };
}

function toSlot(row: SlotRow): ViewSlot {
  return {
    name: row.name,
    active: row.active,
    walStatus: row.wal_status,
    bytesBehind: row.behind === null ? null : Number(row.behind),
  };
}

/** Each follower's lag: the most its subscriptions' slots on the master are behind. */
function lagOf(nodes: ViewNode[], slots: ViewSlot[]): ViewLag[] {
  return nodes
    .filter((node) => node.name !== "master")
    .map((node) => {
      const behind = node.subscriptions
        .map((subscription) => slots.find((slot) => slot.name === subscription.slot)?.bytesBehind)
        .filter((bytes): bytes is number => typeof bytes === "number");
      return { follower: node.name, bytesBehind: behind.length === 0 ? null : Math.max(...behind) };
    });
}

/** The running lab, read now: every node at once. */
export async function readLabView(lab: Lab): Promise<RunningLabView> {
  const read = await Promise.all(NODE_NAMES.map((name) => nodeView(lab, name)));
  const nodes = read.map((entry) => entry.node);
  const slots = read.flatMap((entry) => entry.slots);
  return { state: "running", nodes, slots, lag: lagOf(nodes, slots), at: new Date().toISOString() };
}
