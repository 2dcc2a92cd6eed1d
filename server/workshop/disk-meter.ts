// A lab's disk use, for its attendee's GET /api/lab and the instructor's page. Measuring walks the lab's folder
// (some 4,000 files: 100-200 ms on a quiet machine, far more when a class is busy) or asks its servers, so it is
// not done for every request: a figure is kept for `maxAgeMs`, and an older one is answered at once while a new
// measurement runs in the background (the next caller sees it). `bytes` waits for a lab's first measurement;
// `latest`, for a request that must not wait (an attendee's GET /api/lab), answers null until there is one.

export const DISK_MAX_AGE_MS = 10_000;

interface Known {
  bytes: number | null;
  at: number;
}

export class DiskMeter {
  private readonly known = new Map<string, Known>();
  private readonly measuring = new Map<string, Promise<number | null>>();

  constructor(
    private readonly measure: (id: string) => Promise<number | null>,
    private readonly maxAgeMs = DISK_MAX_AGE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Lab `id`'s disk use in bytes (null where its driver can't tell), at most `maxAgeMs` old unless just refreshed. */
  async bytes(id: string): Promise<number | null> {
    const known = this.known.get(id);
    if (!known) return this.refresh(id);
    if (this.now() - known.at > this.maxAgeMs) this.refresh(id).catch(() => {});
    return known.bytes;
  }

  /** Lab `id`'s last figure at once, null if it has none yet; a missing or old figure is measured meanwhile. */
  latest(id: string): number | null {
    const known = this.known.get(id);
    if (!known || this.now() - known.at > this.maxAgeMs) this.refresh(id).catch(() => {});
    return known?.bytes ?? null;
  }

  /** Measures lab `id` now, or joins the measurement already under way. */
  refresh(id: string): Promise<number | null> {
    const running = this.measuring.get(id);
    if (running) return running;
    const measuring = this.measure(id)
      .then((bytes) => {
        this.known.set(id, { bytes, at: this.now() });
        return bytes;
      })
      .finally(() => this.measuring.delete(id));
    this.measuring.set(id, measuring);
    return measuring;
  }
}
