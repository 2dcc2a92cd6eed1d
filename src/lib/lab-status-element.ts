// <lab-status>: the four nodes live, a Stop/Start per node (embedded lab), and a confirmed reset of the lab.
import { STANDBY, type LabStatus, type NodeStatus } from "../../shared/api-types.ts";
import { api, LAB_BACK, watchLab } from "./lab-client.ts";
import { confirmThen } from "./confirm.ts";
import { RejoinBox, workshopModeLabel } from "./rejoin-link.ts";

const LABELS: Record<NodeStatus["state"], string> = {
  up: "up",
  starting: "starting",
  stopping: "stopping",
  down: "down",
  error: "failed",
};

class LabStatusElement extends HTMLElement {
  private stop: (() => void) | undefined;
  private rejoin: RejoinBox | undefined;

  private backTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onBack = () => this.sayBack();

  connectedCallback() {
    this.rejoin ??= new RejoinBox(this);
    this.stop = watchLab((status) => this.render(status));
    document.addEventListener(LAB_BACK, this.onBack);
    for (const button of this.querySelectorAll<HTMLButtonElement>(".lab-node__toggle")) {
      button.addEventListener("click", () => void this.toggle(button));
    }
    const reset = this.querySelector<HTMLElement>(".lab-status__reset");
    if (reset) {
      confirmThen(reset, async (say) => {
        say("resetting…");
        await api("/api/lab/reset", {});
        say("✓ The lab is fresh: no subscriptions, publications or slots, and empty databases.");
      });
    }
  }

  disconnectedCallback() {
    this.stop?.();
    document.removeEventListener(LAB_BACK, this.onBack);
  }

  /** Once, in place, when the lab comes back (a restart): the page needed no reload, and says so for a while. */
  private sayBack() {
    const back = this.querySelector<HTMLElement>(".lab-status__back");
    if (!back) return;
    back.hidden = false;
    clearTimeout(this.backTimer);
    this.backTimer = setTimeout(() => (back.hidden = true), 30_000);
  }

  private async toggle(button: HTMLButtonElement) {
    const item = button.closest<HTMLElement>("[data-node]")!;
    const action = item.dataset["state"] === "up" ? "stop" : "start";
    button.disabled = true;
    try {
      await api(`/api/lab/nodes/${item.dataset["node"]}/${action}`, {});
    } catch (error) {
      item.title = (error as Error).message;
    } finally {
      button.disabled = false;
    }
  }

  private render(status: LabStatus | null) {
    const offline = this.querySelector<HTMLElement>(".lab-status__offline");
    if (offline) offline.hidden = status !== null;
    const back = this.querySelector<HTMLElement>(".lab-status__back");
    if (back && status === null) back.hidden = true;
    const reset = this.querySelector<HTMLElement>(".lab-status__reset");
    if (reset) reset.hidden = status === null;
    this.dataset["online"] = status ? "true" : "false";
    const mode = this.querySelector<HTMLElement>('[data-role="mode"]');
    if (mode)
      mode.textContent = !status ? "offline" : status.workshop ? workshopModeLabel(status.workshop) : status.mode;
    this.rejoin?.show(status?.workshop);
    for (const item of this.querySelectorAll<HTMLElement>("[data-node]")) {
      const node = status?.nodes.find((n) => n.name === item.dataset["node"]);
      // Lesson 12's standby is shown only while it exists.
      const standby = item.dataset["node"] === STANDBY;
      if (standby) item.hidden = !node;
      item.dataset["state"] = node?.state ?? "unknown";
      // Up but not replicating: a subscription that can't reach its publisher must not read as "up".
      const broken = node?.state === "up" ? (node.subscriptions ?? []).filter((s) => s.state === "broken") : [];
      item.dataset["replication"] = broken.length > 0 ? "broken" : "ok";
      const state = item.querySelector(".lab-node__state");
      if (state) {
        state.textContent = !node
          ? "offline"
          : broken.length > 0
            ? "up, replication broken"
            : node.state === "starting" && node.detail
              ? node.detail
              : LABELS[node.state];
      }
      const brokenText = broken
        .map((s) => `subscription ${s.name} is broken: ${s.reason ?? "it can't reach its publisher"}`)
        .join("; ");
      item.title = node?.error ?? brokenText;
      const toggle = item.querySelector<HTMLButtonElement>(".lab-node__toggle");
      if (toggle) {
        // The embedded lab owns its servers (the standby's too) and docker mode its containers; external nodes
        // are stopped where they run.
        toggle.hidden = status?.mode === "external" || !node || !["up", "down", "error"].includes(node.state);
        toggle.textContent = node?.state === "up" ? "Stop" : "Start";
        toggle.setAttribute("aria-label", `${node?.state === "up" ? "Stop" : "Start"} ${item.dataset["node"]}`);
      }
      const facts = item.querySelector(".lab-node__facts");
      if (facts) {
        facts.textContent = node
          ? [
              node.version && `PostgreSQL ${node.version}`,
              `port ${node.port}`,
              node.walLevel && `wal_level=${node.walLevel}`,
            ]
              .filter(Boolean)
              .join(" · ") +
            (node.error && node.state !== "up" ? ` — ${node.error}` : "") +
            (brokenText ? ` — ${brokenText}` : "")
          : "";
      }
    }
  }
}

if (!customElements.get("lab-status")) customElements.define("lab-status", LabStatusElement);
