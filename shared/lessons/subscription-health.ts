// The follower's own view of its subscriptions, as one query: the lessons run it from lesson 5 on, wherever the
// question is "is this subscriber healthy?", so that a stuck apply worker is seen where it lives, not only in
// master's views. `<SubscriptionHealth node="slave1" />` places it in a lesson as a cell.

/**
 * Per subscription in the current database: enabled, whether its apply worker runs and how long ago it last
 * heard from the publisher (pg_stat_subscription), the apply and table-sync error counts
 * (pg_stat_subscription_stats), and each table's copy state (pg_subscription_rel.srsubstate).
 */
export const SUBSCRIPTION_HEALTH_SQL = `SELECT s.subname AS subscription,
       s.subenabled AS enabled,
       CASE WHEN w.pid IS NULL THEN 'not running' ELSE 'running' END AS apply_worker,
       round(extract(epoch FROM now() - w.last_msg_receipt_time)::numeric, 1) || ' s ago' AS last_heard,
       e.apply_error_count AS apply_errors,
       e.sync_error_count AS sync_errors,
       (SELECT string_agg(r.srrelid::regclass || ': ' ||
                 CASE r.srsubstate WHEN 'i' THEN 'init' WHEN 'd' THEN 'copying' WHEN 'f' THEN 'copied'
                                   WHEN 's' THEN 'synchronized' WHEN 'r' THEN 'ready' END, ', ')
          FROM pg_subscription_rel r WHERE r.srsubid = s.oid) AS tables
FROM pg_subscription s
LEFT JOIN pg_stat_subscription w ON w.subid = s.oid AND w.worker_type = 'apply'
LEFT JOIN pg_stat_subscription_stats e ON e.subid = s.oid
WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
ORDER BY s.subname;`;
