// <catch-up>: resets the lab and replays the cells of earlier lessons, with a progress bar.
import type { LabStatus } from "./api-types.ts";
import { confirmThen } from "./confirm.ts";
import { api, labToken } from "./lab-client.ts";
import type { LessonStep } from "./lesson-cells.ts";
import { runStep } from "./replay.ts";

class CatchUpElement extends HTMLElement {
  connectedCallback() {
    const steps = JSON.parse(this.dataset["steps"] ?? "[]") as LessonStep[];
    const progress = this.querySelector("progress")!;
    confirmThen(this.querySelector<HTMLElement>(".catch-up__controls")!, async (say) => {
      if (!labToken()) throw new Error("Catching up needs the running lab: start it with npm start and open this page from the address it prints.");
      say("resetting the lab…");
      const lab = await api<LabStatus>("/api/lab/reset", {});
      progress.hidden = false;
      progress.max = steps.length;
      for (const [i, step] of steps.entries()) {
        progress.value = i;
        say(`cell ${i + 1} of ${steps.length}`);
        const outcome = await runStep(step, lab, api);
        if (!outcome.met) throw new Error(`cell ${i + 1} did not do what its lesson expects: ${outcome.reason}`);
      }
      progress.value = steps.length;
      this.dataset["done"] = "true";
      say(`✓ Caught up: the lab is where this lesson starts.`);
    });
  }
}

if (!customElements.get("catch-up")) customElements.define("catch-up", CatchUpElement);
