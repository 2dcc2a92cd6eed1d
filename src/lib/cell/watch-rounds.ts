// psql's \watch as rounds: the watched query runs again every interval until stopped. A round may take longer
// than the interval (a slow query, a node that hangs until its timeout); the next one then starts when it ends,
// never alongside it, so a watch never has more than one round in flight and can't pile calls on the bridge.
import type { QueryResponse, StatementResult } from "../../../shared/api-types.ts";

/** What `\watch N` asked for: the query to run again and how often. */
export type WatchRequest = NonNullable<StatementResult["watch"]>;

/** The \watch a cell's answer asks for: each node that ran the whole cell ends on the same one. */
export function watchRequested(responses: QueryResponse[]): WatchRequest | undefined {
  return responses.map((response) => response.results.at(-1)?.watch).find((watch) => watch !== undefined);
}

/** A watch's round: it may run as long as it needs, and should give up when `signal` aborts. */
export type Round = (signal: AbortSignal) => Promise<void>;

export interface WatchRounds {
  /** Ends the watch: no round starts after this, and the round in flight is told to abort. */
  stop(): void;
}

/**
 * Runs `round` every `intervalMs`, counted from the start of the round before (the first is due `intervalMs`
 * after `lastStartedAt`, the start of the run that asked for the watch), one round at a time.
 */
export function repeatRounds(round: Round, intervalMs: number, lastStartedAt = Date.now()): WatchRounds {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = (startedAt: number) => {
    if (controller.signal.aborted) return;
    timer = setTimeout(() => void next(), Math.max(0, startedAt + intervalMs - Date.now()));
  };
  const next = async () => {
    const startedAt = Date.now();
    try {
      await round(controller.signal);
    } catch (error) {
      // SQL errors come back as answers; a round that throws is the page's own fault. It is logged, and the
      // watch goes on rather than stop with nothing said.
      console.error("a \\watch round failed", error);
    }
    schedule(startedAt);
  };
  schedule(lastStartedAt);
  return {
    stop() {
      clearTimeout(timer);
      controller.abort();
    },
  };
}
