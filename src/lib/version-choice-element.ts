// <version-choice>: each node's PostgreSQL major, switched from the status panel (POST /api/lab/versions), with
// the download's and the restart's progress, then an offer to bring the lab to a lesson's start (the catch-up's
// own API). The markup is src/components/VersionChoice.astro.
import type { LabStatus, LessonStartProgress, NodeName } from "../../shared/api-types.ts";
import type { PgVersionsState, VersionChange, VersionSwitchProgress } from "../../shared/version-switch.ts";
import { confirmThen } from "./confirm.ts";
import { api, watchLab } from "./lab-client.ts";

const POLL_MS = 300;

const SOURCES: Record<NonNullable<PgVersionsState["source"]>, string> = {
  default: "Every node runs PostgreSQL 18 until you choose otherwise here.",
  environment:
    "LAB_PG_VERSIONS chose these when npm start ran. A choice made here applies now and is kept, but the next " +
    "npm start with LAB_PG_VERSIONS set follows the variable again.",
  "lab-page": "Chosen on this page, and kept for the next npm start (in the lab's data folder, versions.json).",
};

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, POLL_MS));

export class VersionChoiceElement extends HTMLElement {
  private state: PgVersionsState | null = null;
  private unwatch: (() => void) | undefined;
  private online = false;
  private busy = false;

  connectedCallback() {
    const open = this.find<HTMLButtonElement>(".version-choice__open");
    open.addEventListener("click", () => {
      const panel = this.find(".version-choice__panel");
      panel.hidden = !panel.hidden;
      open.setAttribute("aria-expanded", String(!panel.hidden));
      if (!panel.hidden) void this.load();
    });
    for (const select of this.selects()) select.addEventListener("change", () => this.update());
    confirmThen(this.find(".version-choice__controls"), (say) => this.apply(say), "version-choice");
    this.find(".version-choice__catch-up").addEventListener("click", () => void this.catchUp());
    this.unwatch = watchLab((status) => this.onLab(status));
  }

  disconnectedCallback() {
    this.unwatch?.();
  }

  private find<T extends HTMLElement = HTMLElement>(selector: string): T {
    return this.querySelector<T>(selector)!;
  }

  private selects(): HTMLSelectElement[] {
    return [...this.querySelectorAll<HTMLSelectElement>("select[data-for-node]")];
  }

  private onLab(status: LabStatus | null) {
    this.hidden = status === null;
    if (status && !this.online && !this.find(".version-choice__panel").hidden) void this.load();
    this.online = status !== null;
  }

  private async load() {
    try {
      this.state = await api<PgVersionsState>("/api/lab/versions");
    } catch (error) {
      this.find(".version-choice__status").textContent = `✗ ${(error as Error).message}`;
      return;
    }
    this.render(this.state);
  }

  private render(state: PgVersionsState) {
    const refused = this.find(".version-choice__refused");
    refused.hidden = !state.refused;
    refused.textContent = state.refused ?? "";
    this.find(".version-choice__form").hidden = Boolean(state.refused) || !state.current;
    if (!state.current) return;
    for (const select of this.selects()) {
      const now = state.current[select.dataset["forNode"] as NodeName];
      select.replaceChildren(
        ...state.majors.map((major) => new Option(major === now ? `${major} (now)` : String(major), String(major))),
      );
      select.value = String(now);
    }
    this.find(".version-choice__source").textContent = state.source ? SOURCES[state.source] : "";
    this.update();
  }

  /** The nodes whose menu differs from what they run. */
  private changes(): VersionChange[] {
    const current = this.state?.current;
    if (!current) return [];
    return this.selects().flatMap((select) => {
      const node = select.dataset["forNode"] as NodeName;
      const to = Number(select.value);
      return to === current[node] ? [] : [{ node, from: current[node], to }];
    });
  }

  private update() {
    const changes = this.changes();
    for (const select of this.selects()) {
      const changed = changes.some((change) => change.node === select.dataset["forNode"]);
      select.closest("label")!.toggleAttribute("data-changed", changed);
    }
    this.find<HTMLButtonElement>(".version-choice__apply").disabled = changes.length === 0 || this.busy;
    this.find(".version-choice__warning").textContent = this.warning(changes);
  }

  /** What applying will cost, said before it is done. */
  private warning(changes: VersionChange[]): string {
    if (changes.length === 0) return "";
    const moves = changes.map(({ node, from, to }) => `${node} from PostgreSQL ${from} to ${to}`).join(", ");
    const they = changes.length === 1 ? "It starts" : "They start";
    const missing = [...new Set(changes.map((change) => change.to))].filter(
      (major) => !this.state?.installed.includes(major),
    );
    const download =
      missing.length > 0 ? ` PostgreSQL ${missing.join(" and ")} is downloaded first (about 60 MB each).` : "";
    return (
      `Move ${moves}? ${they} afresh: a data folder can't change major, so its tables, subscriptions and what the ` +
      `lessons built on it are lost. Subscriptions and slots on the other nodes that point at it break until you ` +
      `bring the lab to a lesson's start (offered once done) or reset it.${download}`
    );
  }

  private async apply(say: (text: string) => void): Promise<void> {
    const changes = this.changes();
    if (changes.length === 0) return;
    const progress = this.find<HTMLProgressElement>(".version-choice__progress");
    this.busy = true;
    this.find(".version-choice__after").hidden = true;
    progress.hidden = false;
    progress.removeAttribute("value");
    try {
      const versions = Object.fromEntries(changes.map((change) => [change.node, change.to]));
      let state = await api<VersionSwitchProgress>("/api/lab/versions", { versions });
      while (state.phase !== "done" && state.phase !== "failed") {
        this.show(progress, state);
        say(`${state.says}… (${seconds(state.elapsedMs)})`);
        await pause();
        state = (await api<PgVersionsState>("/api/lab/versions")).progress!;
      }
      progress.max = 1;
      progress.value = 1;
      if (state.phase === "failed") throw new Error(state.error ?? "the switch failed");
      say(`✓ ${state.says} (${seconds(state.elapsedMs)}).`);
      this.find(".version-choice__after").hidden = false;
    } finally {
      this.busy = false;
      progress.hidden = true;
      await this.load();
      // confirmThen enables its button again once this ends: Apply stays off until a menu differs again.
      setTimeout(() => this.update(), 0);
    }
  }

  /** The download fills the bar by its bytes where their total is known; stopping and starting have none. */
  private show(progress: HTMLProgressElement, state: VersionSwitchProgress) {
    if (state.phase === "installing" && state.totalBytes) {
      progress.max = state.totalBytes;
      progress.value = Math.min(state.installedBytes, state.totalBytes);
    } else progress.removeAttribute("value");
  }

  /** The catch-up to a lesson's start, as a lesson page's "Start this lesson from a known state" runs it. */
  private async catchUp() {
    const lesson = Number(this.find<HTMLSelectElement>(".version-choice__lesson").value);
    const button = this.find<HTMLButtonElement>(".version-choice__catch-up");
    const said = this.find(".version-choice__after-status");
    button.disabled = true;
    try {
      let state = await api<LessonStartProgress>("/api/lab/lesson-start", { lesson });
      while (state.phase !== "done" && state.phase !== "failed") {
        said.textContent = `${state.says}… (${seconds(state.elapsedMs)})`;
        await pause();
        state = (await api<{ progress: LessonStartProgress }>("/api/lab/lesson-start")).progress;
      }
      if (state.phase === "failed") throw new Error(state.error ?? "the lab could not be brought there");
      said.textContent = `✓ The lab is at the start of lesson ${lesson} (${seconds(state.elapsedMs)}).`;
    } catch (error) {
      said.textContent = `✗ ${(error as Error).message}`;
    } finally {
      button.disabled = false;
    }
  }
}

if (!customElements.get("version-choice")) customElements.define("version-choice", VersionChoiceElement);
