// A load run against POST /async-users: autocannon fires the requests, this module counts what came back
// and summarises it the way a k6 user expects (rate, latency percentiles, errors by kind).
import autocannon from "autocannon";
import type { LoadProgress, LoadSummary } from "../../shared/api-types.ts";

/** What POST /async-users answers when the INSERT was sent and its outcome is unknown. */
const OUTCOME_UNKNOWN_STATUS = 504;

export interface RunOptions {
  url: string;
  requests: number;
  concurrency: number;
  onProgress?: (progress: LoadProgress) => void;
  /** Aborting stops the run; the summary covers what was sent. */
  signal?: AbortSignal;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function runLoad({ url, requests, concurrency, onProgress, signal }: RunOptions): Promise<LoadSummary> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let ok = 0;
  let unknown = 0;
  let failedToSend = 0;
  let sent = 0;
  const run = Date.now().toString(36);
  const started = performance.now();
  const progress = (): LoadProgress => {
    const done = latencies.length + failedToSend;
    const elapsed = (performance.now() - started) / 1000;
    return { done, total: requests, ok, errors: done - ok, rate: elapsed > 0 ? Math.round(done / elapsed) : 0 };
  };
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: "POST",
        headers: { "content-type": "application/json" },
        // Every user gets an address of its own. (autocannon's idReplacement sends a stale Content-Length.)
        requests: [
          {
            setupRequest: (req) => {
              sent++;
              return {
                ...req,
                body: JSON.stringify({ name: `load user ${sent}`, email: `${run}-${sent}@load.example` }),
              };
            },
          },
        ],
        amount: requests,
        connections: concurrency,
        timeout: 30,
      },
      (error) => {
        clearInterval(ticker);
        if (error) return reject(error);
        const durationMs = performance.now() - started;
        const sorted = [...latencies].sort((a, b) => a - b);
        const done = progress().done;
        resolve({
          requests: done,
          ok,
          durationMs: Math.round(durationMs),
          rate: Math.round(done / (durationMs / 1000)),
          latencyMs: {
            p50: percentile(sorted, 50),
            p95: percentile(sorted, 95),
            p99: percentile(sorted, 99),
            max: sorted[sorted.length - 1] ?? 0,
            avg: sorted.length ? Math.round((sorted.reduce((a, b) => a + b, 0) / sorted.length) * 100) / 100 : 0,
          },
          errors,
          unknown,
        });
      },
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      if (statusCode === 201) ok++;
      else errors[String(statusCode)] = (errors[String(statusCode)] ?? 0) + 1;
      if (statusCode === OUTCOME_UNKNOWN_STATUS) unknown++;
    });
    instance.on("reqError", (error: NodeJS.ErrnoException) => {
      const kind = error.code ?? error.message ?? "error";
      errors[kind] = (errors[kind] ?? 0) + 1;
      failedToSend++;
      // A request that got no answer may have been written; one that could not connect surely was not.
      if (kind !== "ECONNREFUSED") unknown++;
    });
    const ticker = setInterval(() => onProgress?.(progress()), 100);
    signal?.addEventListener("abort", () => instance.stop(), { once: true });
  });
}
