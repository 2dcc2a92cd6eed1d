// Whether each follower can receive the load run's rows at all: its subscription to userpub, looked at on the
// follower itself. A follower that lacks rows because it was never subscribed, or because its subscription is
// disabled or its apply worker keeps failing, has lost nothing; only one that is subscribed and streaming can.
import { FOLLOWERS, type FollowerLink, type NodeName, type SubscriptionHealth } from "../../shared/api-types.ts";
import { NodePools } from "../db/pools.ts";
import type { Lab } from "../lab/lab.ts";
import { lastApplyError } from "./apply-errors.ts";
import { isApplyWorker, serverMajor, subscriptionErrors } from "../lab/subscription-sql.ts";

/** The publication lesson 4 creates and lesson 5's subscriptions follow: the one POST /async-users's rows travel by. */
export const PUBLICATION = "userpub";
/** How many lines at the end of a follower's log are searched for its subscription's last error. */
const LOG_LINES = 400;

/** One subscription to the publication, as the follower's catalogs and statistics show it. */
export interface SubscriptionRow {
  name: string;
  enabled: boolean;
  workerRunning: boolean;
  /** apply_error_count + sync_error_count (pg_stat_subscription_stats). */
  errors: number;
}

/** What one look found: each follower's subscriptions to the publication (null: not up, or it didn't answer). */
export interface LinksLook {
  followers: Map<NodeName, SubscriptionRow[] | null>;
  /** Whether master has the publication (null: it didn't answer). */
  publication: boolean | null;
}

/** The end of a node's server log, where the lab can read it (the embedded lab); none elsewhere. */
export type LogTail = (node: NodeName, lines: number) => Promise<string[]>;

/** The follower's subscriptions to the load's publication, on a server of `major` (see subscription-sql.ts). */
function subscriptionsSql(major: number): string {
  const errors = subscriptionErrors(major);
  return `
  SELECT s.subname AS name, s.subenabled AS enabled, w.pid IS NOT NULL AS "workerRunning", ${errors.count} AS errors
  FROM pg_subscription s
  LEFT JOIN pg_stat_subscription w ON w.subid = s.oid AND ${isApplyWorker(major)}
  ${errors.join}
  WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND $1 = ANY (s.subpublications)
  ORDER BY s.subname`;
}

export class FollowerLinks {
  private readonly pools: NodePools;

  constructor(
    private readonly lab: Lab,
    private readonly logTail?: LogTail,
  ) {
    this.pools = new NodePools(lab, {
      statementTimeoutMs: 2000,
      max: 1,
      applicationName: "replication-lab load verdict",
    });
  }

  async look(): Promise<LinksLook> {
    const [publication, ...rows] = await Promise.all([
      this.hasPublication(),
      ...FOLLOWERS.map((name) => this.subscriptions(name)),
    ]);
    return { publication, followers: new Map(FOLLOWERS.map((name, i) => [name, rows[i] ?? null])) };
  }

  /**
   * The follower's link with its last error: from the server log where the lab can read it, else the
   * subscription watch's reason (only a subscription that is failing, stopped or disabled by an error has one).
   */
  async explain(name: NodeName, link: FollowerLink | null): Promise<FollowerLink | null> {
    if (link === null || link.state === "streaming" || link.state === "none") return link;
    const logged = this.logTail
      ? lastApplyError(await this.logTail(name, LOG_LINES).catch(() => []), link.subscription!)
      : undefined;
    const lastError =
      link.state === "disabled"
        ? logged?.disabledByError
          ? logged.lastError
          : undefined
        : (logged?.lastError ?? watchReason(this.lab.node(name).subscriptions, link.subscription!));
    return lastError ? { ...link, lastError } : link;
  }

  async close(): Promise<void> {
    await this.pools.end();
  }

  private async subscriptions(name: NodeName): Promise<SubscriptionRow[] | null> {
    if (this.lab.node(name).state !== "up") return null;
    try {
      const { rows } = await this.pools
        .get(name)
        .query<Omit<SubscriptionRow, "errors"> & { errors: string }>(
          subscriptionsSql(serverMajor(this.lab.node(name).version)),
          [PUBLICATION],
        );
      return rows.map((row) => ({ ...row, errors: Number(row.errors) }));
    } catch {
      // Going down, or busy: the verdict says it could not look.
      return null;
    }
  }

  private async hasPublication(): Promise<boolean | null> {
    if (this.lab.node("master").state !== "up") return null;
    try {
      const { rows } = await this.pools
        .get("master")
        .query("SELECT 1 FROM pg_publication WHERE pubname = $1", [PUBLICATION]);
      return rows.length > 0;
    } catch {
      return null;
    }
  }
}

/** How well each state lets rows through: a follower with several subscriptions to userpub is judged by its best. */
const RANK: Record<FollowerLink["state"], number> = { streaming: 0, failing: 1, stopped: 2, disabled: 3, none: 4 };

/**
 * The follower's link as the look `after` the run shows it (or the one before, for a follower that could not be
 * looked at since), with the errors counted between the two; null when neither look could see it.
 */
export function linkOf(name: NodeName, before: LinksLook, after: LinksLook): FollowerLink | null {
  const now = after.followers.get(name) ?? before.followers.get(name) ?? null;
  return now === null ? null : judgeLink(now, before.followers.get(name) ?? null);
}

/** A follower's link from its subscriptions now and (when known) before the run. */
export function judgeLink(now: SubscriptionRow[], before: SubscriptionRow[] | null): FollowerLink {
  const links = now.map((row): FollowerLink => {
    const then = before?.find((old) => old.name === row.name);
    const errorsDuringRun = then ? Math.max(0, row.errors - then.errors) : 0;
    const state = !row.enabled
      ? "disabled"
      : !row.workerRunning
        ? "stopped"
        : errorsDuringRun > 0
          ? "failing"
          : "streaming";
    return { state, subscription: row.name, errorsDuringRun };
  });
  return links.sort((a, b) => RANK[a.state] - RANK[b.state])[0] ?? { state: "none", errorsDuringRun: 0 };
}

/** Whether a follower in this state may still receive the run's rows, so that the verdict waits for it. */
export function mayCatchUp(link: FollowerLink | null): boolean {
  if (link === null) return true;
  if (link.state === "none" || link.state === "disabled") return false;
  // An apply worker that failed during the run and has none running now is failing over and over (a conflict,
  // a missing column): it is restarted every wal_retrieve_retry_interval and fails again.
  return !(link.state === "stopped" && link.errorsDuringRun > 0);
}

function watchReason(subscriptions: SubscriptionHealth[] | undefined, name: string): string | undefined {
  const watched = subscriptions?.find((subscription) => subscription.name === name);
  return watched?.state === "broken" ? watched.reason : undefined;
}
