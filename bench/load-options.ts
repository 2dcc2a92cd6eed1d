// The options the load benchmarks share (--requests N --concurrency C --rounds R), and the median their figures
// are read as: each round is one run of each measurement, and the median of the rounds is what they compare.
import { parseArgs } from "node:util";

/** parseArgs's options for a load benchmark; one with more options spreads these into its own. */
export const LOAD_OPTIONS = {
  requests: { type: "string", default: "10000" },
  concurrency: { type: "string", default: "50" },
  rounds: { type: "string", default: "3" },
} as const;

export interface LoadRun {
  requests: number;
  concurrency: number;
  rounds: number;
}

/** The load benchmark's options from its command line, as numbers. */
export function loadRunOptions(): LoadRun {
  const { values } = parseArgs({ options: LOAD_OPTIONS });
  return loadRun(values);
}

export function loadRun(values: { requests: string; concurrency: string; rounds: string }): LoadRun {
  return { requests: Number(values.requests), concurrency: Number(values.concurrency), rounds: Number(values.rounds) };
}

export function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}
