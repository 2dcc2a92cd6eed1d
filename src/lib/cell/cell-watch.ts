// A cell's psql \watch: the query again every N seconds on the cell's node, or on all four side by side, until
// stopped, one round at a time (watch-rounds.ts). Leaving the page stops it: a page kept in the back-forward
// cache must not resume it unseen.
import type { CellNode, QueryResponse } from "../../../shared/api-types.ts";
import { queryNodes } from "./node-queries.ts";
import type { WatchRoundTitle } from "./render.ts";
import { repeatRounds, type WatchRequest, type WatchRounds } from "./watch-rounds.ts";

/** Shows one round's answer, under its title. */
export type ShowRound = (responses: QueryResponse[], title: WatchRoundTitle) => void;

export class CellWatch {
  private rounds: WatchRounds | null = null;
  private readonly stopOnLeave = () => this.stop();

  /** `changed` is told when a watch starts (with its interval) and when it stops (null). */
  constructor(private readonly changed: (seconds: number | null) => void) {}

  get active(): boolean {
    return this.rounds !== null;
  }

  /**
   * Starts the rounds after the run that asked for the watch (round 1, started at `startedAt`): a node that errs
   * or is down shows it in its column of the round, and the watch goes on for the others.
   */
  start(nodes: CellNode[], watch: WatchRequest, startedAt: number, where: string, show: ShowRound): void {
    let round = 1;
    const nextRound = async (signal: AbortSignal) => {
      const at = new Date();
      const responses = await queryNodes(nodes, watch.sql, { signal });
      if (signal.aborted) return;
      round += 1;
      show(responses, { seconds: watch.seconds, at, where, round });
    };
    this.rounds = repeatRounds(nextRound, watch.seconds * 1000, startedAt);
    addEventListener("pagehide", this.stopOnLeave);
    this.changed(watch.seconds);
  }

  /** Ends a watch: no round after this one, and the round in flight is cancelled on the server. */
  stop(): void {
    if (!this.rounds) return;
    this.rounds.stop();
    this.rounds = null;
    removeEventListener("pagehide", this.stopOnLeave);
    this.changed(null);
  }
}
