// What the subscription watch reads: each node's subscriptions with their apply worker, error counts and copy
// progress, and master's publications and slots. Fixed read-only SQL on the watch's own pool.
import type pg from "pg";
import type { SlotPicture } from "../../shared/api-types.ts";
import type { MasterReading } from "./replication-picture.ts";
import { isApplyWorker, subscriptionErrors } from "./subscription-sql.ts";

/** Every subscription of a node on `major`, with its apply worker, error count and tables still being copied. */
export function subscriptionsSql(major: number): string {
  const errors = subscriptionErrors(major);
  return `
  SELECT s.oid::text AS subid, s.subname, s.subenabled, s.subconninfo, s.subslotname, s.subpublications, w.pid,
         ${errors.count} AS errors,
         (SELECT count(*) FROM pg_subscription_rel r WHERE r.srsubid = s.oid AND r.srsubstate <> 'r')::int AS copying
    FROM pg_subscription s
    LEFT JOIN pg_stat_subscription w ON w.subid = s.oid AND ${isApplyWorker(major)}
    ${errors.join}
   ORDER BY s.subname`;
}

export interface SubscriptionRow {
  /** The subscription's oid: a new subscription of a dropped one's name is another subscription. */
  subid: string;
  subname: string;
  subenabled: boolean;
  subconninfo: string;
  subslotname: string | null;
  subpublications: string[];
  pid: number | null;
  errors: string;
  copying: number;
}

const PUBLICATIONS_SQL = `
  SELECT p.pubname AS name, p.puballtables AS "allTables",
         (SELECT count(*) FROM pg_publication_tables t WHERE t.pubname = p.pubname)::int AS tables
    FROM pg_publication p
   ORDER BY p.pubname`;

/** Bytes behind from what the subscriber confirmed, or from restart_lsn for a slot that has no confirmed position. */
const SLOTS_SQL = `
  SELECT slot_name AS name, active, wal_status AS "walStatus",
         CASE WHEN confirmed_flush_lsn IS NOT NULL THEN 'confirmed_flush_lsn'
              WHEN restart_lsn IS NOT NULL THEN 'restart_lsn' END AS "behindFrom",
         pg_wal_lsn_diff(pg_current_wal_lsn(), coalesce(confirmed_flush_lsn, restart_lsn))::bigint::text AS behind
    FROM pg_replication_slots
   ORDER BY slot_name`;

type SlotRow = Omit<SlotPicture, "bytesBehind"> & { behind: string | null };

export async function readMaster(pool: pg.Pool): Promise<MasterReading> {
  const publications = (await pool.query<MasterReading["publications"][number]>(PUBLICATIONS_SQL)).rows;
  const slots = (await pool.query<SlotRow>(SLOTS_SQL)).rows.map(({ behind, ...slot }) => ({
    ...slot,
    bytesBehind: behind === null ? null : Math.max(0, Number(behind)),
  }));
  return { publications, slots };
}
