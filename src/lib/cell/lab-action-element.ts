// <lab-action>: a lesson step that stops, starts or restarts a node, or shows a second server refused by the lock file.
import type { LabStatus } from "../api-types.ts";
import { api, labToken, watchLab } from "../lab-client.ts";
import type { LabActionName } from "../lesson-cells.ts";
import { runStep } from "../replay.ts";

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
      status.textContent = "This needs the running lab: start it with npm start and open this page from the address it prints.";
      return false;
    }
    const action = this.dataset["action"] as LabActionName;
    const node = this.dataset["node"]!;
    button.disabled = true;
    status.textContent = { stop: "stopping…", start: "starting…", restart: "restarting…", "second-postmaster": "starting a second server…" }[action];
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
      const outcome = await runStep({ kind: "action", action, node }, this.lab, api);
      status.textContent = outcome.met ? `✓ ${node} is ${action === "stop" ? "down" : "up"}.` : `✗ ${outcome.reason}`;
      this.dataset["met"] = String(outcome.met);
      return outcome.met;
    } catch (error) {
      status.textContent = `✗ ${(error as Error).message}`;
      this.dataset["met"] = "false";
      return false;
    } finally {
      button.disabled = false;
    }
  }
}

if (!customElements.get("lab-action")) customElements.define("lab-action", LabActionElement);
