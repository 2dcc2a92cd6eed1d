// Runs one lesson step the way the page does: a SQL cell on its node(s), re-run until its expectation holds
// (within its time), or a lab action (stop, start or restart a node, the second-server demonstrations). The page's
// lab actions and state checks, the bridge's lesson starts (server/lesson-start/), `npm run record`, the lesson
// replay test and the lesson-start benchmark share it.
import {
  NODE_NAMES,
  type LabStatus,
  type LockFileParentPidOutcome,
  type NodeName,
  type QueryResponse,
} from "../api-types.ts";
import { parseExpectation, runUntilMet } from "./expectations.ts";
import type { LessonStep } from "./lesson-cells.ts";
import { describeUnmet, unmetNeeds } from "./needs.ts";
import { fillPlaceholders } from "./placeholders.ts";

/** POSTs JSON to the bridge and returns the parsed answer (throws on an HTTP error). */
export type Post = <T>(path: string, body: unknown) => Promise<T>;

export interface StepOutcome {
  met: boolean;
  reason: string;
  /** What ran: the SQL with its placeholders filled, or the action. */
  what: string;
  /** A SQL step's last answers, one per node it ran on. */
  responses?: QueryResponse[];
  /**
   * Why the step did not run: its cell needs a newer PostgreSQL than the lab's nodes run ("needs PostgreSQL 18
   * on master, which runs 17 here"). Such a step counts as met, as the page's Run all passes over it.
   */
  skipped?: string;
}

/** Lesson 9's claim: a lock file naming the server's parent gets past the PID check, not the shared-memory check. */
export function lockFileParentPidMet(outcome: LockFileParentPidOutcome): boolean {
  return outcome.pidCheckPassed && outcome.sharedMemoryRefused;
}

export async function runStep(step: LessonStep, lab: LabStatus, post: Post): Promise<StepOutcome> {
  if (step.kind === "action") {
    const what = `${step.action} ${step.node}`;
    if (step.action === "second-postmaster") {
      const { refused, output } = await post<{ refused: boolean; output: string }>(
        `/api/lab/nodes/${step.node}/second-postmaster`,
        {},
      );
      return { met: refused, reason: refused ? "" : `a second server was not refused: ${output}`, what };
    }
    if (step.action === "lock-file-parent-pid") {
      const outcome = await post<LockFileParentPidOutcome>("/api/lab/scratch/lock-file-parent-pid", {});
      return {
        met: lockFileParentPidMet(outcome),
        reason: lockFileParentPidMet(outcome)
          ? ""
          : `expected the PID check to pass and the shared-memory check to refuse: ${outcome.output}`,
        what: step.action,
      };
    }
    // A restart is a stop and a start, as `pg_ctl restart` is: the server reads postmaster settings only then.
    if (step.action === "restart") await post(`/api/lab/nodes/${step.node}/stop`, {});
    const verb = step.action === "restart" ? "start" : step.action;
    const status = await post<{ state: string; error?: string }>(`/api/lab/nodes/${step.node}/${verb}`, {});
    const wanted = step.action === "stop" ? "down" : "up";
    return {
      met: status.state === wanted,
      reason: status.state === wanted ? "" : `${step.node} is ${status.state}: ${status.error ?? ""}`,
      what,
    };
  }
  const sql = fillPlaceholders(step.code, lab);
  const unmet = unmetNeeds(step.needs, lab);
  if (unmet.length > 0) return { met: true, reason: "", what: sql, skipped: describeUnmet(unmet) };
  const nodes: NodeName[] = step.node === "all" ? [...NODE_NAMES] : [step.node as NodeName];
  const run = () => Promise.all(nodes.map((node) => post<QueryResponse>("/api/query", { node, sql })));
  const { responses, verdicts } = await runUntilMet(run, parseExpectation(step.expect), step.within);
  const missed = verdicts
    .map((verdict, i) => ({ verdict, node: responses[i]!.node }))
    .filter(({ verdict }) => !verdict.met);
  return {
    met: missed.length === 0,
    reason: missed.map(({ node, verdict }) => `${node}: ${verdict.reason}`).join("; "),
    what: sql,
    responses,
  };
}
