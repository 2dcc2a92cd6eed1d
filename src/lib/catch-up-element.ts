// <catch-up>: asks the bridge to bring the lab to this lesson's start and follows its progress.
import type { LessonStartProgress } from "../../shared/api-types.ts";
import { confirmThen } from "./confirm.ts";
import { api, labToken } from "./lab-client.ts";

const POLL_MS = 250;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The sentence a finished run ends with: how the state was reached and what it took. */
function outcome(progress: LessonStartProgress): string {
  if (progress.how === "restore")
    return `✓ The lab is at the start of this lesson: restored from its snapshot in ${seconds(progress.elapsedMs)}.`;
  const kept = progress.snapshots
    ? " A snapshot was kept: next time this takes seconds."
    : " (This lab is not embedded, so it is replayed every time.)";
  return (
    `✓ The lab is at the start of this lesson: ${progress.steps} cells replayed in ` +
    `${seconds(progress.elapsedMs)}.${kept}`
  );
}

export class CatchUpElement extends HTMLElement {
  connectedCallback() {
    const status = this.querySelector<HTMLElement>(".lab-reset__status")!;
    confirmThen(this.querySelector<HTMLElement>(".catch-up__controls")!, (say) => this.bringToStart(say));
    this.say = (text) => (status.textContent = text);
  }

  private say: (text: string) => void = () => {};

  /** Brings the lab to this lesson's start, with the progress bar; throws when it can't. Run all calls it too. */
  async bringToStart(say: (text: string) => void = this.say): Promise<void> {
    const lesson = Number(this.dataset["lesson"]);
    const progress = this.querySelector("progress")!;
    if (!labToken())
      throw new Error(
        "Starting from a known state needs the running lab: start it with npm start and open this page from " +
          "the address it prints.",
      );
    delete this.dataset["done"];
    this.dataset["busy"] = "";
    try {
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
      if (state.phase === "failed")
        throw new Error(state.error ?? "the lab could not be brought to this lesson's start");
      this.dataset["done"] = state.how;
      say(outcome(state));
    } finally {
      delete this.dataset["busy"];
    }
  }
}

if (!customElements.get("catch-up")) customElements.define("catch-up", CatchUpElement);
