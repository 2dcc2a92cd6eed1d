// <lab-diagram>: the lab's replication drawn live (draw.ts) from the lab's feed, with its text alternative: the
// drawing's accessible name says each node's and arrow's state, a visually hidden list says everything drawn,
// figures included. The full drawing also has a polite live region that speaks only when a state changes, not
// at every new byte count, so a screen reader hears "slave2 node down" once, not a stream of numbers.
import type { LabStatus } from "../../../shared/api-types.ts";
import { watchLab } from "../lab-client.ts";
import { drawLab } from "./draw.ts";
import { arrowStates, describe, summary } from "./words.ts";

let count = 0;

class LabDiagramElement extends HTMLElement {
  private stop: (() => void) | undefined;
  private resize: ResizeObserver | undefined;
  private status: LabStatus | null = null;
  /** Each arrow's state as last said (or first seen). */
  private said: Map<string, string> | undefined;
  private readonly markerId = `lab-diagram-${++count}`;

  connectedCallback() {
    this.stop = watchLab((status) => {
      this.status = status;
      this.render();
    });
    this.resize = new ResizeObserver(() => this.render());
    this.resize.observe(this);
  }

  disconnectedCallback() {
    this.stop?.();
    this.resize?.disconnect();
  }

  private get compact(): boolean {
    return this.hasAttribute("data-compact");
  }

  private render() {
    const drawing = this.querySelector<HTMLElement>(".lab-diagram__drawing");
    const list = this.querySelector<HTMLElement>(".lab-diagram__words");
    if (!drawing || !list) return;
    // The drawing's units follow the room it has, so that its text stays at the page's size.
    const width = Math.max(240, Math.round(this.clientWidth || 320));
    const label = summary(this.status);
    drawing.innerHTML = drawLab(this.status, { width, compact: this.compact, id: this.markerId, label });
    list.replaceChildren(
      ...describe(this.status).map((line) => Object.assign(document.createElement("li"), { textContent: line })),
    );
    this.dataset["online"] = this.status ? "true" : "false";
    this.announce();
  }

  /**
   * Says the arrows whose state changed, and only those (not the first time: the page has just been read out,
   * nor while the lab is unreachable, which the status panel says).
   */
  private announce() {
    const live = this.querySelector<HTMLElement>(".lab-diagram__live");
    if (!live || !this.status) return;
    const now = arrowStates(this.status);
    const changed = [...now].filter(([key, words]) => this.said !== undefined && this.said.get(key) !== words);
    if (changed.length > 0) live.textContent = changed.map(([, words]) => `${words}.`).join(" ");
    this.said = now;
  }
}

if (!customElements.get("lab-diagram")) customElements.define("lab-diagram", LabDiagramElement);
