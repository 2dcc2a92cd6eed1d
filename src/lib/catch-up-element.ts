// <catch-up>: asks the bridge to bring the lab to this lesson's start and follows its progress.
import type { LessonStartProgress } from "./api-types.ts";
import { confirmThen } from "./confirm.ts";
import { api, labToken } from "./lab-client.ts";

const POLL_MS = 250;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The sentence a finished run ends with: how the state was reached and what it took. */
export function outcome(progress: LessonStartProgress): string {
  if (progress.how === "restore") return `✓ The lab is at the start of this lesson: restored from its snapshot in ${seconds(progress.elapsedMs)}.`;
  const kept = progress.snapshots
    ? " A snapshot was kept: next time this takes seconds."
    : " (This lab is not embedded, so it is replayed every time.)";
  return `✓ The lab is at the start of this lesson: ${progress.steps} cells replayed in ${seconds(progress.elapsedMs)}.${kept}`;
}

class CatchUpElement extends HTMLElement {
  connectedCallback() {
    const lesson = Number(this.dataset["lesson"]);
    const progress = this.querySelector("progress")!;
    confirmThen(this.querySelector<HTMLElement>(".catch-up__controls")!, async (say) => {
      if (!labToken()) throw new Error("Starting from a known state needs the running lab: start it with npm start and open this page from the address it prints.");
      delete this.dataset["done"];
      let state = await api<LessonStartProgress>("/api/lab/lesson-start", { lesson });
      progress.hidden = false;
      progress.removeAttribute("value");
      while (state.phase !== "done" && state.phase !== "failed") {
        if (state.steps > 0) {
          progress.max = state.steps;
          progress.value = state.step;
        }
        say(`${state.says}… (${seconds(state.elapsedMs)})`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        state = (await api<{ progress: LessonStartProgress }>("/api/lab/lesson-start")).progress;
      }
      progress.max = 1;
      progress.value = 1;
      if (state.phase === "failed") throw new Error(state.error ?? "the lab could not be brought to this lesson's start");
      this.dataset["done"] = state.how;
      say(outcome(state));
    });
  }
}

if (!customElements.get("catch-up")) customElements.define("catch-up", CatchUpElement);
