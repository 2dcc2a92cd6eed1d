// <load-run>: starts a load run and shows its progress, its summary and the verdict.
import type { LoadRequest, LoadState, LoadSummary, LoadVerdict } from "../../../shared/api-types.ts";
import { api, labToken } from "../lab-client.ts";
import { nodeOutcome, verdictHeadline, verdictNote } from "../../../shared/load-verdict.ts";
import { watchMonitor } from "../monitor-client.ts";
import { ordinal } from "../ordinal.ts";

const ms = (value: number) => `${value.toFixed(1)} ms`;

class LoadRunElement extends HTMLElement {
  private stop: (() => void) | undefined;
  /** Only the run this page started (or one already going when it opened) is shown. */
  private following = false;

  connectedCallback() {
    const form = this.querySelector("form")!;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.start(new FormData(form));
    });
    this.querySelector(".load-run__stop")!.addEventListener(
      "click",
      () => void api("/api/load/stop", {}).catch(() => {}),
    );
    this.stop = watchMonitor({ load: (state) => this.show(state) });
  }

  disconnectedCallback() {
    this.stop?.();
  }

  private async start(data: FormData) {
    const status = this.querySelector(".load-run__status")!;
    if (!labToken()) {
      this.querySelector<HTMLElement>(".load-run__progress")!.hidden = false;
      status.textContent =
        "The load run needs the running lab: start it with npm start and open this page from the address it prints.";
      return;
    }
    this.following = true;
    try {
      this.show(
        await api<LoadState>("/api/load", {
          requests: Number(data.get("requests")),
          concurrency: Number(data.get("concurrency")),
        } satisfies LoadRequest),
      );
    } catch (error) {
      this.querySelector<HTMLElement>(".load-run__progress")!.hidden = false;
      status.textContent = (error as Error).message;
    }
  }

  private show(state: LoadState) {
    const going = state.phase === "queued" || state.phase === "running" || state.phase === "verifying";
    if (going) this.following = true;
    if (!this.following) return;
    const progress = this.querySelector<HTMLElement>(".load-run__progress")!;
    const bar = progress.querySelector("progress")!;
    const status = this.querySelector(".load-run__status")!;
    const start = this.querySelector<HTMLButtonElement>(".load-run__start")!;
    const stop = this.querySelector<HTMLButtonElement>(".load-run__stop")!;
    start.disabled = going;
    stop.hidden = state.phase !== "running" && state.phase !== "queued";
    // A queued run is cancelled rather than stopped: it leaves the line and nothing was sent.
    stop.textContent = state.phase === "queued" ? "Cancel" : "Stop";
    this.dataset["phase"] = state.phase;
    if (state.phase === "idle") {
      // A queued run was cancelled (in this tab or another): nothing ran, so there is nothing to show.
      progress.hidden = true;
      status.textContent = "";
      return;
    }
    progress.hidden = false;
    if (state.phase === "queued") {
      bar.removeAttribute("value");
      status.textContent = `waiting: ${ordinal(state.place)} in line (the workshop runs a few loads at a time)`;
      this.querySelector<HTMLElement>(".load-run__summary")!.hidden = true;
      this.querySelector<HTMLElement>(".load-run__verdict")!.hidden = true;
    } else if (state.phase === "running") {
      const { done, total, rate, errors } = state.progress;
      bar.max = total;
      bar.value = done;
      status.textContent =
        `${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} requests · ` +
        `${rate.toLocaleString("en-US")}/s · ${errors} errors`;
      this.querySelector<HTMLElement>(".load-run__summary")!.hidden = true;
      this.querySelector<HTMLElement>(".load-run__verdict")!.hidden = true;
    } else if (state.phase === "verifying") {
      bar.value = bar.max;
      status.textContent = "All requests answered. Checking every node…";
      this.summary(state.summary);
    } else if (state.phase === "done") {
      bar.value = bar.max;
      status.textContent = "Done.";
      this.summary(state.summary);
      this.verdict(state.verdict);
    } else {
      status.textContent = `The run failed: ${state.error}`;
    }
  }

  private summary(summary: LoadSummary) {
    const box = this.querySelector<HTMLElement>(".load-run__summary")!;
    const failed = summary.requests - summary.ok;
    const l = summary.latencyMs;
    const kinds =
      Object.entries(summary.errors)
        .map(([kind, n]) => `${kind}: ${n}`)
        .join(", ") || "none";
    const rows: [string, string][] = [
      ["http_reqs", `${summary.requests.toLocaleString("en-US")} · ${summary.rate.toLocaleString("en-US")}/s`],
      [
        "http_req_duration",
        `avg ${ms(l.avg)} · p(50) ${ms(l.p50)} · p(95) ${ms(l.p95)} · p(99) ${ms(l.p99)} · max ${ms(l.max)}`,
      ],
      ["http_req_failed", `${((failed / Math.max(summary.requests, 1)) * 100).toFixed(2)}% (${failed})`],
      ["errors by kind", kinds],
      ...(summary.unknown > 0
        ? [
            [
              "outcome unknown",
              `${summary.unknown.toLocaleString("en-US")} (answer lost after the INSERT was sent)`,
            ] as [string, string],
          ]
        : []),
      ["duration", `${(summary.durationMs / 1000).toFixed(2)} s`],
    ];
    const table = document.createElement("table");
    table.className = "load-run__metrics";
    for (const [name, value] of rows) {
      const tr = table.insertRow();
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = name;
      tr.append(th);
      tr.insertCell().textContent = value;
    }
    box.replaceChildren(table);
    box.hidden = false;
  }

  private verdict(verdict: LoadVerdict) {
    const box = this.querySelector<HTMLElement>(".load-run__verdict")!;
    const format = (n: number) => n.toLocaleString("en-US");
    box.dataset["met"] = String(verdict.outcome === "replicated");
    box.dataset["outcome"] = verdict.outcome;
    const head = document.createElement("strong");
    head.textContent = verdictHeadline(verdict, format);
    const list = document.createElement("ul");
    for (const node of verdict.nodes) {
      const item = document.createElement("li");
      item.dataset["node"] = node.name;
      const gained = node.gained === null ? "no count" : `+${format(node.gained)} rows`;
      const name = document.createElement("code");
      name.textContent = node.name;
      item.append(name, ` ${gained}, ${nodeOutcome(node, format)}`);
      list.append(item);
    }
    const note = verdictNote(verdict, format);
    const aside = document.createElement("p");
    aside.className = "load-run__note";
    aside.textContent = note ?? "";
    box.replaceChildren(...(note ? [head, aside, list] : [head, list]));
    box.hidden = false;
  }
}

if (!customElements.get("load-run")) customElements.define("load-run", LoadRunElement);
