// The number of rows in `users` on one node, kept exact at a cost that does not grow with the table.
//
// `count(*)` reads the whole table: at a million rows, four nodes sampled four times a second took a good share
// of the machine away from the load being watched (issue 15). The walkthrough's `users` has a serial primary key,
// so most rows can be counted once: below a settled id S the count is kept (B), and each sample counts only the
// rows above S through the key's index, which are the rows written since S was settled: count = B + rows above S.
//
// The count of rows at or below S stays B only while nothing removes, changes or adds such rows, so every sample
// also reads what can tell it otherwise, and counts the whole table again when it does:
// - TRUNCATE (and VACUUM FULL, CLUSTER) give the table a new file: pg_relation_filenode changes at once; a table
//   dropped and made again has a new oid; a node restarted (a reset, a lesson's snapshot put back) has a new
//   pg_postmaster_start_time: all three are part of what the count is kept against;
// - DELETE and UPDATE (an UPDATE may change an id) add to the table's cumulative statistics, which a backend
//   publishes within about a second of its commit;
// - a row below S committed after S was settled: an id is taken from the sequence before its transaction
//   commits, so S only moves up to an id seen at least SETTLE_AFTER_MS earlier, and only while no transaction
//   that was already open when that id was seen still writes to the table. A follower applies master's
//   transactions in master's commit order, so an id held back by a long transaction on master may still arrive
//   below S: that, and an id given by hand below S, are caught by a recount of the whole table every
//   RECOUNT_EVERY_MS, or less often on a table so big that recounts would take more than 1/RECOUNT_SHARE of
//   the time (a million rows, counted in 60 ms, are recounted every minute).
// A table without an integer `id` column (a learner's own) is counted with count(*) every time, as before.
import type pg from "pg";

/** How long an id must have been seen before the count below it is taken as settled. */
export const SETTLE_AFTER_MS = 1000;
/** The longest a whole-table recount waits, whatever it costs. */
export const RECOUNT_EVERY_MS = 60_000;
/** A whole-table recount costs at most this fraction of the time between two of them. */
const RECOUNT_SHARE = 1000;
/** How many ids seen are kept as candidates for S. */
const MAX_SEEN = 64;

interface Seen {
  /** The highest id seen. */
  top: string;
  /** When, by the node's clock (ms since the epoch), to compare with its transactions' start. */
  at: number;
  /** When, by this process's clock. */
  seenAt: number;
}

interface Settled {
  /** The table's file and its delete and update counters when B was taken: a change in either means a recount. */
  filenode: string;
  changes: string;
  /** S: the rows at or below this id number `below` (B); null: nothing settled yet, every row is "above". */
  id: string | null;
  below: number;
  recountedAt: number;
  recountMs: number;
}

interface TailRow {
  filenode: string;
  changes: string;
  above: string;
  settling: string;
  top: string | null;
  oldest_writer_ms: string | null;
  now_ms: string;
}

// One round trip: the table's file and change counters, the rows above S (and how many of them are at or below
// the id that may settle now, $1), and, when there is one, when the oldest transaction still writing to the table
// began (pg_locks and pg_stat_activity are the dearest part of a sample: only read when they can settle S).
const TAIL_COLUMNS = `
  SELECT concat_ws('/', t.oid, pg_relation_filenode(t.oid), pg_postmaster_start_time()) AS filenode,
         (pg_stat_get_tuples_deleted(t.oid) + pg_stat_get_tuples_updated(t.oid))::text AS changes,
         r.above, r.settling, r.top::text,
         CASE WHEN $1::bigint IS NOT NULL THEN
           (SELECT extract(epoch FROM min(a.xact_start)) * 1000 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.relation = t.oid AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid())
         END AS oldest_writer_ms,
         extract(epoch FROM clock_timestamp()) * 1000 AS now_ms
  FROM (SELECT 'users'::regclass::oid AS oid) t,
  LATERAL (SELECT count(*) AS above, count(*) FILTER (WHERE id <= $1::bigint) AS settling, max(id) AS top
           FROM users`;
const TAIL_ABOVE = `${TAIL_COLUMNS} WHERE id > $2::bigint) r`;
const TAIL_ALL = `${TAIL_COLUMNS}) r`;

/**
 * The table has no integer id to count by: no such column (42703), or one of another type (42883: no `<=`
 * between it and bigint; 22P02, 42804: a value or type that does not convert).
 */
function isKeyless(error: unknown): boolean {
  return ["42703", "42883", "22P02", "42804"].includes((error as { code?: string }).code ?? "");
}

export class RowCount {
  private settled: Settled | undefined;
  private seen: Seen[] = [];
  /** Since when this table has been counted with count(*), having no id column to count by. */
  private plainSince: number | undefined;

  private queue: Promise<unknown> = Promise.resolve();

  /**
   * `recountEveryMs`: the longest a whole-table recount waits (tests make it 0: every sample is one);
   * `recountShare`: a recount costs at most 1/recountShare of the time between two (tests make it 0: no share).
   */
  constructor(
    private readonly recountEveryMs = RECOUNT_EVERY_MS,
    private readonly recountShare = RECOUNT_SHARE,
  ) {}

  /**
   * The exact number of rows in `users` now, as `client` sees it; throws what the query threw. Counts run one
   * at a time (the live samples and a load run's verdict may ask at once), each from where the last one left.
   */
  count(client: pg.Pool | pg.PoolClient): Promise<number> {
    const counted = this.queue.then(() => this.countNow(client));
    this.queue = counted.catch(() => {});
    return counted;
  }

  private async countNow(client: pg.Pool | pg.PoolClient): Promise<number> {
    if (this.plainSince !== undefined && Date.now() - this.plainSince < RECOUNT_EVERY_MS) {
      return this.countAll(client).catch((error: unknown) => {
        this.forget();
        throw error;
      });
    }
    try {
      return await this.countByKey(client);
    } catch (error) {
      // Whatever happened, the next count by key starts from the whole table.
      this.forget();
      if (!isKeyless(error)) throw error;
      // A users table of the learner's own, without an integer id: count(*) it is, and the key is tried again
      // now and then (the table may be made again as the walkthrough has it).
      this.plainSince = Date.now();
      return this.countAll(client);
    }
  }

  /** Starts over: the next count reads the whole table. */
  forget(): void {
    this.settled = undefined;
    this.seen = [];
    this.plainSince = undefined;
  }

  private async countAll(client: pg.Pool | pg.PoolClient): Promise<number> {
    const { rows } = await client.query<{ n: string }>("SELECT count(*) AS n FROM users");
    return Number(rows[0]?.n ?? 0);
  }

  private async countByKey(client: pg.Pool | pg.PoolClient): Promise<number> {
    const settled = this.settled;
    // An id becomes a candidate once it was seen long enough ago, by this clock (the node's may differ).
    const candidate = this.seen[0] && Date.now() - this.seen[0].seenAt >= SETTLE_AFTER_MS ? this.seen[0] : undefined;
    const whole = !settled || Date.now() - settled.recountedAt >= this.recountInterval(settled);
    // A recount with no new id to settle at counts again below the S it had: S was safe to settle at before, and
    // what a recount is for (rows that came below it unseen) is then counted. Without this, the samples after a
    // recount would read the whole table until an id seen by it is old enough.
    const kept = whole && !candidate && settled && settled.id !== null ? settled.id : null;
    const started = performance.now();
    const row = await this.tail(client, whole ? null : settled.id, candidate?.top ?? kept);
    if (!whole && settled && (row.filenode !== settled.filenode || row.changes !== settled.changes)) {
      // Rows at or below S were removed or changed, or this is another table: count the whole table (this
      // sample pays for it once). The ids seen before may not be this table's, or may be taken again (a
      // sequence set back after a DELETE): none of them may settle the new count.
      this.settled = undefined;
      this.seen = [];
      return this.countByKey(client);
    }
    // A recount that finds another table, or changed rows, keeps nothing from before: neither S nor the ids seen
    // (a table made again, or its sequence set back, gives those ids again, below a kept S, where the samples
    // after it would never look). This is the usual first count after the monitor sat idle past a recount's time.
    const changed = settled !== undefined && (row.filenode !== settled.filenode || row.changes !== settled.changes);
    if (changed) this.seen = [];
    const below = whole ? 0 : settled!.below;
    const total = below + Number(row.above);
    const next: Settled = whole
      ? { filenode: row.filenode, changes: row.changes, id: null, below: 0, recountedAt: Date.now(), recountMs: 0 }
      : { ...settled! };
    if (whole) next.recountMs = performance.now() - started;
    if (!changed && candidate && this.maySettle(candidate, row)) {
      next.id = candidate.top;
      next.below = below + Number(row.settling);
      this.seen = this.seen.filter((seen) => BigInt(seen.top) > BigInt(candidate.top));
    } else if (!changed && kept !== null) {
      next.id = kept;
      next.below = Number(row.settling);
    }
    this.settled = next;
    if (row.top !== null) this.seen.push({ top: row.top, at: Number(row.now_ms), seenAt: Date.now() });
    // While a long transaction holds S back, the ids seen pile up: the oldest few are enough to go on with.
    if (this.seen.length > MAX_SEEN) this.seen.splice(MAX_SEEN / 2, this.seen.length - MAX_SEEN);
    return total;
  }

  /**
   * The count at or below an id seen earlier may be settled once SETTLE_AFTER_MS have passed and no transaction
   * writing to the table now had begun when it was seen (such a transaction may hold an id below it).
   */
  private maySettle(candidate: Seen, row: TailRow): boolean {
    const now = Number(row.now_ms);
    if (now - candidate.at < SETTLE_AFTER_MS) return false;
    return row.oldest_writer_ms === null || Number(row.oldest_writer_ms) > candidate.at;
  }

  private recountInterval(settled: Settled): number {
    return this.recountEveryMs === 0 ? 0 : Math.max(this.recountEveryMs, settled.recountMs * this.recountShare);
  }

  private async tail(client: pg.Pool | pg.PoolClient, above: string | null, settleAt: string | null): Promise<TailRow> {
    // With nothing to settle ($1 null), the settling count is 0 and the writers are not looked at. The statements
    // are prepared once per connection (named), not planned again on every sample.
    const settle = settleAt;
    const { rows } =
      above === null
        ? await client.query<TailRow>({ name: "monitor-count-all", text: TAIL_ALL, values: [settle] })
        : await client.query<TailRow>({ name: "monitor-count-above", text: TAIL_ABOVE, values: [settle, above] });
    return rows[0]!;
  }
}
