// Workshop mode shares the machine's cores among every attendee's lab: a load run (lesson 6's 10,000 requests,
// a load generator and four servers busy at once) takes most of a core, so the hub lets at most `slots` of them
// go at once and lines the rest up first come, first served. Single-user mode has no queue.

/** One run's place in the queue: `granted` resolves, with the release to call when the run ends, once it may go. */
export interface LoadTicket {
  /** The release, when a slot was free at once: the run starts in the same turn and the caller sees it running. */
  now: (() => void) | undefined;
  granted: Promise<() => void>;
  /** Leaves the queue before being granted (a cancelled run); does nothing once granted. */
  leave(): void;
}

interface Waiting {
  onPlace: (place: number) => void;
  grant: () => () => void;
}

export class LoadQueue {
  private running = 0;
  private readonly waiting: Waiting[] = [];

  constructor(readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`A load queue needs at least one slot: ${slots}.`);
  }

  /**
   * Asks for a slot. `onPlace` hears the run's place in line (1: next) when it joins and whenever it moves up;
   * a run granted at once hears nothing.
   */
  enter(onPlace: (place: number) => void): LoadTicket {
    let granted = false;
    let entry: Waiting | undefined;
    let now: (() => void) | undefined;
    const promise = new Promise<() => void>((resolve) => {
      const grant = () => {
        granted = true;
        this.running += 1;
        const release = this.releaser();
        resolve(release);
        return release;
      };
      if (this.running < this.slots && this.waiting.length === 0) {
        now = grant();
        return;
      }
      entry = { onPlace, grant };
      this.waiting.push(entry);
      onPlace(this.waiting.length);
    });
    return {
      now,
      granted: promise,
      leave: () => {
        if (granted || !entry) return;
        const at = this.waiting.indexOf(entry);
        if (at < 0) return;
        this.waiting.splice(at, 1);
        this.announce(at);
      },
    };
  }

  /** How many runs wait and how many go, for the instructor. */
  status(): { running: number; waiting: number; slots: number } {
    return { running: this.running, waiting: this.waiting.length, slots: this.slots };
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      const next = this.waiting.shift();
      next?.grant();
      this.announce(0);
    };
  }

  /** Tells every run from index `from` on its new place. */
  private announce(from: number): void {
    for (let i = from; i < this.waiting.length; i++) this.waiting[i]!.onPlace(i + 1);
  }
}
