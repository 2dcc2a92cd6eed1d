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

/** Widths at which Terminal.astro stacks the four panes. */
const NARROW = "(max-width: 50rem)";

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
    for (const button of this.querySelectorAll<HTMLButtonElement>("[data-view]")) {
      button.addEventListener("click", () => this.showView(button.dataset["view"]!));
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
      // A phone's width stacks the four: one at a time there, the others a button away.
      if (this.dataset["layout"] === "four") this.showView(matchMedia(NARROW).matches ? "0" : "all");
      this.panes[0]?.focus();
    } finally {
      this.opening = false;
      if (button) button.disabled = false;
    }
  }

  /**
   * Shows the four panes side by side ("all"), or one of them alone at the page's full width ("0" to "3"): about
   * twice the columns (126 instead of 61 in a 1280 px window), for what psql prints wide. The other sessions stay
   * open behind their buttons.
   */
  showView(view: string): void {
    if (this.dataset["layout"] !== "four") return;
    this.dataset["view"] = view === "all" ? "all" : "one";
    for (const [i, section] of this.querySelectorAll<HTMLElement>(".psql-pane").entries()) {
      section.hidden = view !== "all" && view !== String(i);
    }
    for (const button of this.querySelectorAll<HTMLElement>("[data-view]")) {
      button.setAttribute("aria-pressed", String(button.dataset["view"] === view));
    }
    if (view !== "all") this.panes[Number(view)]?.focus();
  }

  /** The rows of a pane's terminal that go on from the row above: lines too long for its width. */
  wrappedRows(pane = 0): number {
    return this.panes[pane]?.wrappedRows() ?? 0;
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
    // The pane's button in the views says which node the pane is on now (\c moves it).
    const index = [...this.querySelectorAll(".psql-pane")].indexOf(section);
    const viewButton = this.querySelector(`[data-view="${index}"]`);
    if (viewButton) viewButton.textContent = status.node;
    const state = section.querySelector(".psql-pane__state");
    if (state) state.textContent = describe(status);
    for (const tab of section.querySelectorAll<HTMLElement>("[data-connect]")) {
      tab.setAttribute("aria-pressed", String(tab.dataset["connect"] === status.node));
    }
  }
}

if (!customElements.get("psql-terminal")) customElements.define("psql-terminal", PsqlTerminalElement);
