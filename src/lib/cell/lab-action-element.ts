// <lab-action>: a lesson step that stops, starts or restarts a node, or shows a second server refused by the lock
// file, or (on a scratch cluster) by the shared-memory check once the lock file names the new server's parent.
import type { LabStatus, LockFileParentPidOutcome } from "../../../shared/api-types.ts";
import { api, labToken, watchLab } from "../lab-client.ts";
import type { LabActionName } from "../../../shared/lessons/lesson-cells.ts";
import { parseStepKey, recordStepRan } from "../progress.ts";
import { reportedStep, reportProgress } from "../progress-report.ts";
import { lockFileParentPidMet, runStep } from "../../../shared/lessons/replay.ts";

export class LabActionElement extends HTMLElement {
  private lab: LabStatus | null = null;

  connectedCallback() {
    watchLab((status) => (this.lab = status));
    this.querySelector("button")!.addEventListener("click", () => void this.run());
  }

  async run(): Promise<boolean> {
    const button = this.querySelector("button")!;
    const status = this.querySelector(".lab-action__status")!;
    const output = this.querySelector<HTMLElement>(".lab-action__output")!;
    if (!labToken() || !this.lab) {
      status.textContent =
        "This needs the running lab: start it with npm start and open this page from the address it prints.";
      return false;
    }
    const action = this.dataset["action"] as LabActionName;
    const node = this.dataset["node"]!;
    button.disabled = true;
    status.textContent = {
      stop: "stopping…",
      start: "starting…",
      restart: "restarting…",
      "second-postmaster": "starting a second server…",
      "lock-file-parent-pid": "making a scratch cluster and starting a second server on it…",
      "make-standby": "copying master's data folder and starting it as a standby…",
    }[action];
    try {
      if (action === "second-postmaster") {
        // Show PostgreSQL's own words, not just the verdict.
        const answer = await api<{ refused: boolean; output: string }>(`/api/lab/nodes/${node}/second-postmaster`, {});
        output.textContent = answer.output;
        output.hidden = false;
        status.textContent = answer.refused ? `✓ Refused: ${node} is untouched.` : "✗ It was not refused.";
        this.dataset["met"] = String(answer.refused);
        return answer.refused;
      }
      if (action === "lock-file-parent-pid") {
        const answer = await api<LockFileParentPidOutcome>("/api/lab/scratch/lock-file-parent-pid", {});
        output.textContent = answer.output;
        output.hidden = false;
        const met = lockFileParentPidMet(answer);
        status.textContent = met
          ? "✓ The PID check let it through; the shared-memory check refused it. The scratch cluster is gone."
          : `✗ Not what the lesson says: the PID check ${answer.pidCheckPassed ? "passed" : "refused it"}, the ` +
            `shared-memory check ${answer.sharedMemoryRefused ? "refused it" : "did not"}.`;
        this.dataset["met"] = String(met);
        return met;
      }
      const outcome = await runStep({ kind: "action", action, node }, this.lab, api);
      const done =
        action === "make-standby"
          ? "the standby is up, replaying master's WAL"
          : `${node} is ${action === "stop" ? "down" : "up"}`;
      status.textContent = outcome.met ? `✓ ${done}.` : `✗ ${outcome.reason}`;
      this.dataset["met"] = String(outcome.met);
      return outcome.met;
    } catch (error) {
      status.textContent = `✗ ${(error as Error).message}`;
      this.dataset["met"] = "false";
      return false;
    } finally {
      button.disabled = false;
      this.recordProgress();
    }
  }

  /** The step ran on the lab, whatever came of it: the learner's progress through the lesson. */
  private recordProgress() {
    const step = parseStepKey(this.dataset["key"]);
    if (step) {
      recordStepRan(step.lesson, step.step);
      reportProgress({ kind: "ran", ...reportedStep(step) });
    }
  }
}

if (!customElements.get("lab-action")) customElements.define("lab-action", LabActionElement);
