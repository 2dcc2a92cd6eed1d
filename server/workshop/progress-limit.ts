// How often one attendee's page may report progress (issue 14): a token bucket per attendee. A lesson's "Run all"
// reports two events per step and a change of each state check within seconds (lesson 3's run all: 18), so the
// bucket holds a long lesson's worth; a page that loops (or a script with the attendee's session) is refused
// beyond the steady rate instead of filling the hub's database.
export interface RateOptions {
  /** Events allowed at once from a full bucket. */
  burst: number;
  /** Events the bucket regains per second. */
  perSecond: number;
}

export const PROGRESS_RATE: RateOptions = { burst: 60, perSecond: 20 };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimit {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly options: RateOptions = PROGRESS_RATE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one event from `key`'s bucket; false when it is empty. */
  take(key: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.options.burst, at: now };
    const regained = ((now - bucket.at) / 1000) * this.options.perSecond;
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + regained);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
