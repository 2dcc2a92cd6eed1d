import { fork, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { LoadRequest, LoadState, LoadSummary, LoadVerdict, MonitorSample } from "../../src/lib/api-types.ts";
import { HttpError } from "../errors.ts";
import type { Monitor } from "../monitor/sampler.ts";
import type { ChildMessage, ChildStart } from "./child.ts";
import { withinBounds } from "../../src/lib/load-verdict.ts";

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "child.ts");
/** How long the verdict waits for followers to apply the run's rows. */
const CATCH_UP_LIMIT_MS = 30_000;

export const LIMITS = { requests: { min: 1, max: 100_000 }, concurrency: { min: 1, max: 500 } };

export function parseLoadRequest(body: unknown): LoadRequest {
  const { requests, concurrency } = (body ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries({ requests, concurrency })) {
    const { min, max } = LIMITS[name as keyof typeof LIMITS];
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
      throw new HttpError(`"${name}" must be a whole number from ${min} to ${max}.`, 400);
    }
  }
  return { requests: requests as number, concurrency: concurrency as number };
}

/**
 * One load run at a time: baseline counts, the requests (in a child process), then the verdict: every
 * acknowledged write is on master and on every follower, and how long each follower took to catch up.
 */
export class LoadController extends EventEmitter<{ state: [LoadState] }> {
  private current: LoadState = { phase: "idle" };
  private child: ChildProcess | undefined;

  constructor(
    private readonly monitor: Monitor,
    private readonly targetUrl: () => string,
  ) {
    super();
  }

  get state(): LoadState {
    return this.current;
  }

  start(request: LoadRequest): LoadState {
    if (this.current.phase === "running" || this.current.phase === "verifying") {
      throw new HttpError("A load run is already going; wait for it or stop it.", 409);
    }
    this.set({ phase: "running", request, startedAt: Date.now(), progress: { done: 0, total: request.requests, ok: 0, errors: 0, rate: 0 } });
    void this.run(request).catch((error: Error) => this.set({ phase: "failed", request, error: error.message }));
    return this.current;
  }

  stop(): void {
    this.child?.kill("SIGTERM");
  }

  private set(state: LoadState) {
    this.current = state;
    this.emit("state", state);
  }

  private async run(request: LoadRequest): Promise<void> {
    const before = await this.monitor.sample();
    if (before.nodes[0]?.count === null) {
      throw new Error("master has no users table to write to (or is down): run lesson 3 first.");
    }
    const summary = await this.fire(request);
    this.set({ phase: "verifying", request, summary });
    const verdict = await this.verify(before, summary);
    this.set({ phase: "done", request, summary, verdict });
  }

  private fire(request: LoadRequest): Promise<LoadSummary> {
    return new Promise((resolve, reject) => {
      const child = fork(CHILD, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "pipe", "ipc"] });
      this.child = child;
      let stderr = "";
      child.stderr?.on("data", (chunk) => (stderr += chunk));
      let settled = false;
      child.on("message", (message: ChildMessage) => {
        if (message.type === "progress" && this.current.phase === "running") {
          this.set({ ...this.current, progress: message.progress });
        } else if (message.type === "done") {
          settled = true;
          resolve(message.summary);
        } else if (message.type === "failed") {
          settled = true;
          reject(new Error(message.error));
        }
      });
      child.on("exit", (code, signal) => {
        this.child = undefined;
        if (!settled) reject(new Error(signal === "SIGTERM" ? "the run was stopped" : `the load generator exited (${code}): ${stderr.trim().slice(-300)}`));
      });
      child.send({ url: this.targetUrl(), requests: request.requests, concurrency: request.concurrency } satisfies ChildStart);
    });
  }

  /**
   * Master must have gained every acknowledged row, and at most the requests whose outcome is unknown
   * besides (see withinBounds); each follower that is up must then hold as many
   * rows as master (a follower that was behind when the run began catches up on those too). Each follower's
   * time is counted from the last acknowledged write.
   */
  private async verify(before: MonitorSample, summary: LoadSummary): Promise<LoadVerdict> {
    const ended = Date.now();
    const caughtUp = new Map<string, number>();
    const countOf = (s: MonitorSample, i: number) => s.nodes[i]?.count ?? null;
    let sample = await this.monitor.sample();
    while (Date.now() - ended < CATCH_UP_LIMIT_MS) {
      const master = countOf(sample, 0);
      sample.nodes.forEach((node, i) => {
        if (!caughtUp.has(node.name) && master !== null && countOf(sample, i) === master) caughtUp.set(node.name, Date.now() - ended);
      });
      if (sample.nodes.every((node) => node.state !== "up" || caughtUp.has(node.name))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
      sample = await this.monitor.sample();
    }
    const nodes = sample.nodes.map((node, i) => {
      const now = countOf(sample, i);
      const then = countOf(before, i);
      return { name: node.name, state: node.state, gained: now === null || then === null ? null : now - then, caughtUpMs: caughtUp.get(node.name) ?? null };
    });
    const masterGained = withinBounds(nodes[0]?.gained ?? null, summary);
    const nothingLost = masterGained && nodes.every((node) => node.state !== "up" || caughtUp.has(node.name));
    return { acknowledged: summary.ok, unknown: summary.unknown, nodes, nothingLost };
  }
}
