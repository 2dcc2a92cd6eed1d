import { fork, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type {
  LoadNodeOutcome,
  LoadRequest,
  LoadState,
  LoadSummary,
  LoadVerdict,
  MonitorSample,
  NodeName,
} from "../../shared/api-types.ts";
import { CATCH_UP_LIMIT_S, judgeOutcome } from "../../shared/load-verdict.ts";
import { LabBusy } from "../errors.ts";
import type { Monitor } from "../monitor/monitor.ts";
import type { ChildMessage, ChildStart } from "./child.ts";
import type { LoadQueue, LoadTicket } from "./queue.ts";
import { linkOf, mayCatchUp, type FollowerLinks, type LinksLook } from "./follower-links.ts";

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "child.ts");
const CATCH_UP_LIMIT_MS = CATCH_UP_LIMIT_S * 1000;
/** How often the wait for followers looks at their subscriptions again (each look is one query per follower). */
const LINKS_INTERVAL_MS = 1000;

/**
 * One load run at a time: baseline counts and subscriptions, the requests (in a child process), then the
 * verdict: every acknowledged write is on master and on every follower, how long each follower took to catch
 * up, and, for a follower that lacks rows, whether its subscription to userpub could have brought them.
 */
export class LoadController extends EventEmitter<{ state: [LoadState] }> {
  private current: LoadState = { phase: "idle" };
  private child: ChildProcess | undefined;
  private ticket: LoadTicket | undefined;

  /** `queue`: workshop mode's slots shared by every lab; without it (single-user mode) a run starts at once. */
  constructor(
    private readonly monitor: Monitor,
    private readonly targetUrl: () => string,
    private readonly links: FollowerLinks,
    private readonly queue?: LoadQueue,
  ) {
    super();
  }

  get state(): LoadState {
    return this.current;
  }

  start(request: LoadRequest): LoadState {
    const phase = this.current.phase;
    if (phase === "queued") throw new LabBusy("Your load run is already waiting in line; wait for it or cancel it.");
    if (phase === "running" || phase === "verifying") {
      throw new LabBusy("A load run is already going; wait for it or stop it.");
    }
    if (!this.queue) {
      this.begin(request, () => {});
      return this.current;
    }
    const ticket = this.queue.enter((place) => this.set({ phase: "queued", request, place }));
    if (ticket.now) {
      this.begin(request, ticket.now);
      return this.current;
    }
    this.ticket = ticket;
    void ticket.granted.then((release) => {
      if (this.ticket !== ticket) return release();
      this.ticket = undefined;
      this.begin(request, release);
    });
    return this.current;
  }

  /** Stops a running run; a run still waiting in line leaves the line instead, and the panel is idle again. */
  stop(): void {
    if (this.ticket) {
      this.ticket.leave();
      this.ticket = undefined;
      if (this.current.phase === "queued") this.set({ phase: "idle" });
    }
    this.child?.kill("SIGTERM");
  }

  /** Runs `request` now; `release` gives its slot back to the queue whatever the outcome. */
  private begin(request: LoadRequest, release: () => void): void {
    this.set({
      phase: "running",
      request,
      startedAt: Date.now(),
      progress: { done: 0, total: request.requests, ok: 0, errors: 0, rate: 0 },
    });
    void this.run(request)
      .catch((error: Error) => this.set({ phase: "failed", request, error: error.message }))
      .finally(release);
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
    const linksBefore = await this.links.look();
    const summary = await this.fire(request);
    this.set({ phase: "verifying", request, summary });
    const verdict = await this.verify(before, linksBefore, summary);
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
        if (!settled)
          reject(
            new Error(
              signal === "SIGTERM"
                ? "the run was stopped"
                : `the load generator exited (${code}): ${stderr.trim().slice(-300)}`,
            ),
          );
      });
      child.send({
        url: this.targetUrl(),
        requests: request.requests,
        concurrency: request.concurrency,
      } satisfies ChildStart);
    });
  }

  /**
   * Master must have gained every acknowledged row, and at most the requests whose outcome is unknown
   * besides (see withinBounds); each follower that is up must then hold as many rows as master (a follower that
   * was behind when the run began catches up on those too). Each follower's time is counted from the last
   * acknowledged write. The wait is only for followers whose subscription can still bring the rows: one not
   * subscribed, disabled, or whose apply worker fails again and again would only make the learner wait 30 s.
   */
  private async verify(before: MonitorSample, linksBefore: LinksLook, summary: LoadSummary): Promise<LoadVerdict> {
    const ended = Date.now();
    const caughtUp = new Map<string, number>();
    let links = await this.links.look();
    let linksAt = Date.now();
    let sample = await this.monitor.sample();
    for (;;) {
      const master = countOf(sample, "master");
      for (const node of sample.nodes) {
        if (!caughtUp.has(node.name) && master !== null && countOf(sample, node.name) === master)
          caughtUp.set(node.name, Date.now() - ended);
      }
      const waiting = stillComing(sample, caughtUp, linksBefore, links);
      if (waiting.length === 0 || Date.now() - ended >= CATCH_UP_LIMIT_MS) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (Date.now() - linksAt >= LINKS_INTERVAL_MS) [links, linksAt] = [await this.links.look(), Date.now()];
      sample = await this.monitor.sample();
    }
    links = await this.links.look();
    const nodes = await Promise.all(
      sample.nodes.map((node) => this.outcome(node.name, before, sample, caughtUp, linksBefore, links)),
    );
    const outcome = judgeOutcome(nodes, summary);
    return {
      acknowledged: summary.ok,
      unknown: summary.unknown,
      nodes,
      outcome,
      nothingLost: outcome !== "lost",
      publication: links.publication,
    };
  }

  private async outcome(
    name: NodeName,
    before: MonitorSample,
    after: MonitorSample,
    caughtUp: Map<string, number>,
    linksBefore: LinksLook,
    links: LinksLook,
  ): Promise<LoadNodeOutcome> {
    const [now, then, master] = [countOf(after, name), countOf(before, name), countOf(after, "master")];
    const node: LoadNodeOutcome = {
      name,
      state: after.nodes.find((n) => n.name === name)?.state ?? "down",
      gained: now === null || then === null ? null : now - then,
      caughtUpMs: caughtUp.get(name) ?? null,
      behind: now === null || master === null ? null : master - now,
    };
    return name === "master"
      ? node
      : { ...node, link: await this.links.explain(name, linkOf(name, linksBefore, links)) };
  }
}

/** The nodes that are up, not caught up yet, and (for a follower) whose subscription may still bring the rows. */
function stillComing(
  sample: MonitorSample,
  caughtUp: Map<string, number>,
  before: LinksLook,
  now: LinksLook,
): NodeName[] {
  return sample.nodes
    .filter((node) => node.state === "up" && !caughtUp.has(node.name))
    .filter((node) => node.name === "master" || mayCatchUp(linkOf(node.name, before, now)))
    .map((node) => node.name);
}

function countOf(sample: MonitorSample, name: NodeName): number | null {
  return sample.nodes.find((node) => node.name === name)?.count ?? null;
}
