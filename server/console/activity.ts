/** What one line is running, statements or a \watch, so that Ctrl+C can stop it. */
export class Activity {
  cancelled = false;
  /** A statement is on the server now: Ctrl+C must cancel it there. */
  querying = false;
  private wake: (() => void) | undefined;

  /** \watch's wait between two runs: false when Ctrl+C ended it. */
  sleep(ms: number): Promise<boolean> {
    if (this.cancelled) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve(!this.cancelled);
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
  }

  stop(): void {
    this.cancelled = true;
    this.wake?.();
    this.wake = undefined;
  }
}
