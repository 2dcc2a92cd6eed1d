// Fair use: a lab nobody has called for a while is parked (its servers stopped, its data kept), so that the
// memory and the background work of a class's forgotten tabs go to the attendees still working. The attendee's
// next call brings it back (provider.get, which the hub calls for every request anyway), and while it starts
// the page's node status says why (the local provider's note). "A call" is any /api/* request, the console's
// upgrade, or a message the console sends; an event feed left open is not, or every open tab would count.
import type { LabProvider } from "./provider.ts";

export interface IdleLabsOptions {
  /** How long a lab may go without a call before it is parked; 0 never parks. */
  idleMs: number;
  /** How often to look; a quarter of idleMs (at most 30 s) when not given. */
  checkEveryMs?: number;
  note?: (text: string) => void;
}

export class IdleLabs {
  private readonly lastCall = new Map<string, number>();
  private readonly timer: NodeJS.Timeout | undefined;
  private parking: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly provider: LabProvider,
    private readonly options: IdleLabsOptions,
  ) {
    if (options.idleMs <= 0) return;
    const every = options.checkEveryMs ?? Math.min(Math.max(options.idleMs / 4, 250), 30_000);
    this.timer = setInterval(() => void this.parkIdle(), every);
    // The hub's other work keeps the process alive; this timer alone must not.
    this.timer.unref();
  }

  /** Lab `id` was just called. */
  seen(id: string): void {
    this.lastCall.set(id, Date.now());
  }

  /** Parks every lab called before but not within idleMs; a lab is forgotten until its next call. */
  private async parkIdle(): Promise<void> {
    const now = Date.now();
    const idle = [...this.lastCall].filter(([, at]) => now - at >= this.options.idleMs).map(([id]) => id);
    for (const id of idle) this.lastCall.delete(id);
    this.parking = Promise.allSettled(
      idle.map((id) =>
        this.provider.park(id).then(
          () => this.options.note?.(`lab ${id} parked after ${Math.round(this.options.idleMs / 60_000)} idle minutes`),
          (error: unknown) => this.options.note?.(`lab ${id} could not be parked: ${(error as Error).message}`),
        ),
      ),
    );
    await this.parking;
  }

  /** Stops looking, after any parking under way. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.parking;
  }
}
