// What the lab's own readings of subscriptions (the subscription watch, the load verdict's follower links) need
// to say differently on the majors a node may run (LAB_PG_VERSIONS, 14 to 18): the statistics views grew
// columns, and a query that names a newer one fails on an older server, leaving its subscriptions unread.

/** A node's major from its status's version ("16.14" gives 16); the default major while it is not known. */
export function serverMajor(version: string | null): number {
  const major = version === null ? Number.NaN : Number.parseInt(version, 10);
  return Number.isNaN(major) ? 18 : major;
}

/**
 * The condition that picks a subscription's apply worker out of pg_stat_subscription (as `w`): worker_type from
 * 17; before it, the worker with no table (table-copy workers have one) and, from 16, no leader (parallel apply
 * workers have one).
 */
export function isApplyWorker(major: number): string {
  if (major >= 17) return "w.worker_type = 'apply'";
  if (major >= 16) return "w.relid IS NULL AND w.leader_pid IS NULL";
  return "w.relid IS NULL";
}

/**
 * A subscription's apply and copy error count (as text), and the join it needs: pg_stat_subscription_stats
 * (as `st`) is there from 15; on 14 no errors are counted.
 */
export function subscriptionErrors(major: number): { count: string; join: string } {
  return major >= 15
    ? {
        count: "(coalesce(st.apply_error_count, 0) + coalesce(st.sync_error_count, 0))::text",
        join: "LEFT JOIN pg_stat_subscription_stats st ON st.subid = s.oid",
      }
    : { count: "'0'", join: "" };
}
