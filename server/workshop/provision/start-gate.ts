// Lab start-ups, a few at a time. A lab's start is four initdbs or four servers' crash recovery, mostly CPU: on
// a 2-core machine twenty at once take as long as twenty in pairs, but every one of them finishes late (so the
// first attendee waits for the last lab) and, on a loaded machine, some miss their servers' start timeout.
// A start an attendee waits for goes ahead of the pool's refills, including one claimed while in line.

interface Waiting {
  urgent: () => boolean;
  go: () => void;
}

export class StartGate {
  private running = 0;
  private readonly waiting: Waiting[] = [];

  constructor(readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`A start gate needs at least one slot: ${slots}.`);
  }

  /**
   * Runs `start` once a slot is free and frees the slot when it settles. `urgent` is asked when a slot frees:
   * the first waiting start that is urgent then goes first, else the first in line.
   */
  async run<T>(start: () => Promise<T>, urgent: () => boolean = () => false): Promise<T> {
    if (this.running < this.slots) this.running += 1;
    else await new Promise<void>((go) => this.waiting.push({ urgent, go }));
    try {
      return await start();
    } finally {
      const at = this.waiting.findIndex((entry) => entry.urgent());
      const [next] = this.waiting.splice(Math.max(at, 0), 1);
      // The slot passes straight to the next in line; only when nobody waits is it freed.
      if (next) next.go();
      else this.running -= 1;
    }
  }

  /** Starts running and waiting, for the pool's status. */
  status(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}
