// <psql-terminal>: the markup from Terminal.astro reads well without this script; this opens console
// sessions in it when the learner asks, and only then loads xterm (a chunk of its own).
import { isNodeName, type NodeName } from "../../../shared/api-types.ts";
import { labToken } from "../lab-client.ts";
import { labConsole } from "./console-socket.ts";
import type { PaneStatus, PsqlPane } from "./psql-pane.ts";

/** What a pane's bar says besides the node: what psql's prompt says in symbols, in words. */
function describe({ state, prompt }: PaneStatus): string {
  if (state === "connecting") return "connecting…";
  if (state === "ended") return "session ended";
  if (!prompt) return "";
  if (prompt.database === null) return "not connected";
  if (prompt.transaction === "block") return "in a transaction";
  if (prompt.transaction === "failed") return "transaction failed: ROLLBACK";
  return "";
}

export class PsqlTerminalElement extends HTMLElement {
  private panes: PsqlPane[] = [];
  private opening = false;

  connectedCallback() {
    this.querySelector(".psql-terminal__open")?.addEventListener("click", () => void this.open());
    for (const tab of this.querySelectorAll<HTMLButtonElement>("[data-connect]")) {
      tab.addEventListener("click", () => {
        const node = tab.dataset["connect"];
        if (isNodeName(node)) this.panes[0]?.connectTo(node);
        this.panes[0]?.focus();
      });
    }
  }

  disconnectedCallback() {
    for (const pane of this.panes) pane.dispose();
    this.panes = [];
  }

  /** Opens one session per pane; from a page that no lab served, says how to start one instead. */
  async open(): Promise<void> {
    if (this.opening || this.panes.length > 0) return;
    const token = labToken();
    const offline = this.querySelector<HTMLElement>(".psql-terminal__offline");
    if (!token) {
      if (offline) offline.hidden = false;
      return;
    }
    this.opening = true;
    const button = this.querySelector<HTMLButtonElement>(".psql-terminal__open");
    if (button) button.disabled = true;
    try {
      const { PsqlPane } = await import("./psql-pane.ts");
      this.querySelector<HTMLElement>(".psql-terminal__start")!.hidden = true;
      this.querySelector<HTMLElement>(".psql-terminal__session")!.hidden = false;
      const fontSize = this.dataset["layout"] === "four" ? 12 : 13;
      this.panes = [...this.querySelectorAll<HTMLElement>(".psql-pane")].map((section) => {
        const node = section.dataset["node"] as NodeName;
        const screen = section.querySelector<HTMLElement>(".psql-pane__screen")!;
        return new PsqlPane(screen, node, labConsole(token), (status) => this.show(section, status), fontSize);
      });
      this.panes[0]?.focus();
    } finally {
      this.opening = false;
      if (button) button.disabled = false;
    }
  }

  /** The text of a pane's terminal, scrollback included (tests read the screen through this). */
  screenText(pane = 0): string {
    return this.panes[pane]?.screenText() ?? "";
  }

  private show(section: HTMLElement, status: PaneStatus) {
    section.dataset["state"] = status.state;
    section.dataset["node"] = status.node;
    section.setAttribute("aria-label", `psql on ${status.node}`);
    const name = section.querySelector(".psql-pane__node");
    if (name) name.textContent = status.node;
    const state = section.querySelector(".psql-pane__state");
    if (state) state.textContent = describe(status);
    for (const tab of section.querySelectorAll<HTMLElement>("[data-connect]")) {
      tab.setAttribute("aria-pressed", String(tab.dataset["connect"] === status.node));
    }
  }
}

if (!customElements.get("psql-terminal")) customElements.define("psql-terminal", PsqlTerminalElement);
