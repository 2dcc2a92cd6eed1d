// <lab-bar>: the four nodes' states in one line for narrow screens (LabBar.astro), from the page's one lab feed,
// and lesson 12's standby while it exists.
import { STANDBY } from "../../shared/api-types.ts";
import { watchLab } from "./lab-client.ts";

class LabBarElement extends HTMLElement {
  private stop: (() => void) | undefined;

  connectedCallback() {
    this.stop = watchLab((status) => {
      for (const item of this.querySelectorAll<HTMLElement>("[data-node]")) {
        const node = status?.nodes.find((n) => n.name === item.dataset["node"]);
        if (item.dataset["node"] === STANDBY) item.hidden = !node;
        const broken = node?.state === "up" && (node.subscriptions ?? []).some((s) => s.state === "broken");
        item.dataset["state"] = node?.state ?? "unknown";
        item.dataset["replication"] = broken ? "broken" : "ok";
        const state = item.querySelector(".lab-node__state");
        if (state)
          state.textContent = !node ? "offline" : broken ? "broken" : node.state === "error" ? "failed" : node.state;
      }
    });
  }

  disconnectedCallback() {
    this.stop?.();
  }
}

if (!customElements.get("lab-bar")) customElements.define("lab-bar", LabBarElement);
