// The warm pool filling, told in the hub's terminal: starting twenty labs takes the better part of a minute on a
// small machine, and an instructor who sees only the join URL can't tell whether the class may come in yet.
import type { LabProvider, ProviderStatus } from "./provider.ts";

const BAR_WIDTH = 20;

/** A line for the pool: "warm pool [######--------------]  6 of 20 labs ready, 2 starting". */
export function poolLine(ready: number, starting: number, target: number): string {
  const filled = target === 0 ? BAR_WIDTH : Math.round((Math.min(ready, target) / target) * BAR_WIDTH);
  const bar = `${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}`;
  const count = String(ready).padStart(String(target).length);
  return `warm pool [${bar}] ${count} of ${target} labs ready${starting ? `, ${starting} starting` : ""}`;
}

/**
 * Says how the pool fills, a line each time the number of ready labs changes, until `target` are ready, then how
 * long it took. It stops saying anything once an attendee has joined (the pool then empties as it fills). A lab that
 * fails to start is the provider's to tell (its notes), and the pool tries again. Gives a function that stops it.
 */
export function reportPoolFill(
  provider: LabProvider,
  target: number,
  say: (line: string) => void,
  everyMs = 500,
): () => void {
  const started = Date.now();
  const handedOut = (status: ProviderStatus) => status.assigned + status.parked;
  // Labs a hub restart gave back to their attendees count from the start; a new attendee's does not.
  const handedOutAtStart = handedOut(provider.status());
  let lastReady = -1;
  const check = () => {
    const status = provider.status();
    const { ready, starting } = status;
    if (handedOut(status) > handedOutAtStart) return clearInterval(timer);
    if (ready !== lastReady) say(`  ${poolLine(ready, starting, target)}`);
    lastReady = ready;
    if (ready >= target) {
      clearInterval(timer);
      say(`  The warm pool is full (${((Date.now() - started) / 1000).toFixed(1)} s): attendees may join.`);
    }
  };
  const timer = setInterval(check, everyMs);
  timer.unref();
  check();
  return () => clearInterval(timer);
}
