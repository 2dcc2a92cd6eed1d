// PostgreSQL keeps no apply error message in any view (pg_stat_subscription_stats only counts them): the last
// thing a subscription's worker said before it failed is in the subscriber's server log. This reads it from the
// log's lines, as PostgreSQL writes them with its default log_line_prefix ('%m [%p] ').

const LINE = /^\S+ \S+ \S+ \[(\d+)\] (\w+):\s+(.*)$/;
const STARTED =
  /^logical replication (?:apply|table synchronization) worker for subscription "(.+?)"(?:, table ".*")? has started$/;
const EXITED = /^background worker "logical replication [a-z ]+ worker" \(PID (\d+)\) exited/;
const DISABLED = /^subscription "(.+?)" has been disabled because of an error$/;

export interface ApplyErrorSearch {
  /** The last ERROR one of the subscription's workers logged, as `ERROR: message`. */
  lastError?: string;
  /** Whether that error made it disable itself (disable_on_error) after it. */
  disabledByError: boolean;
}

/**
 * The subscription's last worker error in these log lines, oldest first. A process id belongs to the
 * subscription from its worker's "has started" line to the postmaster's "exited" line for it, so an error of a
 * backend that later reuses the id is never taken for the worker's.
 */
export function lastApplyError(lines: readonly string[], subscription: string): ApplyErrorSearch {
  const workers = new Set<string>();
  const found: ApplyErrorSearch = { disabledByError: false };
  for (const line of lines) {
    const [, pid, severity, message] = LINE.exec(line) ?? [];
    if (!pid || !severity || message === undefined) continue;
    if (STARTED.exec(message)?.[1] === subscription) workers.add(pid);
    else if (EXITED.test(message)) workers.delete(EXITED.exec(message)![1]!);
    else if (!workers.has(pid)) continue;
    else if (severity === "ERROR") Object.assign(found, { lastError: `ERROR: ${message}`, disabledByError: false });
    else if (DISABLED.exec(message)?.[1] === subscription) found.disabledByError = found.lastError !== undefined;
  }
  return found;
}
