// <sql-cell>: the behaviour of a runnable SQL cell. The markup comes from SqlCell.astro and reads well
// without this script; this adds editing with highlighting, running on the chosen node(s), cancel, \watch,
// keyboard shortcuts, and the expectation verdict.
import type { LabStatus, NodeName, QueryResponse } from "../api-types.ts";
import { NODE_NAMES } from "../api-types.ts";
import { judgeAll, parseExpectation, runUntilMet, type Expectation, type Verdict } from "../expectations.ts";
import { api, labToken, watchLab } from "../lab-client.ts";
import { fillPlaceholders, hasPlaceholders } from "../placeholders.ts";
import { highlightSql, plainHtml } from "./highlight.ts";
import { duration, el, fingerprint, renderResponse } from "./render.ts";

export interface RunOptions {
  /** Run a `\watch` once instead of repeating it (Run all does this). */
  once?: boolean;
}

export class SqlCellElement extends HTMLElement {
  private input!: HTMLTextAreaElement;
  private layer!: HTMLElement;
  private picker!: HTMLSelectElement;
  private output!: HTMLElement;
  private state!: HTMLElement;
  private runButton!: HTMLButtonElement;
  private cancelButton!: HTMLButtonElement;
  private expectation!: Expectation;
  private template = "";
  private edited = false;
  private lab: LabStatus | null = null;
  private running: { ids: string[]; controller: AbortController } | null = null;
  private watchTimer: ReturnType<typeof setTimeout> | undefined;
  private highlightToken = 0;

  connectedCallback() {
    this.input = this.querySelector("textarea")!;
    this.layer = this.querySelector(".sql-cell__highlight")!;
    this.picker = this.querySelector("select")!;
    this.output = this.querySelector(".sql-cell__output")!;
    this.state = this.querySelector(".sql-cell__state")!;
    this.runButton = this.querySelector(".sql-cell__run")!;
    this.cancelButton = this.querySelector(".sql-cell__cancel")!;
    this.expectation = parseExpectation(this.dataset["expect"]);
    this.template = this.input.value;
    this.classList.add("is-live");

    this.runButton.addEventListener("click", () => void this.run());
    this.cancelButton.addEventListener("click", () => void this.cancel());
    this.input.addEventListener("input", () => {
      this.edited = true;
      this.stopWatching();
      this.refresh();
    });
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    this.picker.addEventListener("change", () => this.input.setAttribute("aria-label", `SQL to run on ${this.picker.value}`));
    watchLab((status) => {
      this.lab = status;
      if (status && !this.edited && hasPlaceholders(this.template)) {
        const filled = fillPlaceholders(this.template, status);
        if (filled !== this.input.value) {
          this.input.value = filled;
          this.refresh();
        }
      }
    });
    this.fit();
    this.showRecorded();
  }

  /** The answer recorded when the lessons were last replayed, marked as such, until the cell runs here. */
  private showRecorded() {
    const recorded = this.dataset["recorded"];
    if (!recorded) return;
    const { version, responses } = JSON.parse(recorded) as { version: string; responses: QueryResponse[] };
    this.show(responses, judgeAll(this.expectation, responses), this.input.value);
    this.output.classList.add("is-recorded");
    this.output.prepend(
      el("div", "cell-recorded", `Recorded on PostgreSQL ${version} when the lessons were last replayed. Run the cell to see your lab's answer.`),
    );
  }

  disconnectedCallback() {
    this.stopWatching();
  }

  get node(): NodeName | "all" {
    return this.picker.value as NodeName | "all";
  }

  focusEditor() {
    this.input.focus();
    this.input.setSelectionRange(0, 0);
    this.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  private onKey(event: KeyboardEvent) {
    if (event.key !== "Enter") return;
    if (event.shiftKey) {
      event.preventDefault();
      void this.run();
      const cells = [...document.querySelectorAll<SqlCellElement>("sql-cell")];
      cells[cells.indexOf(this) + 1]?.focusEditor();
    } else if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      void this.run();
    }
  }

  /** Keeps the highlighted layer under the textarea in step with its text, and the box as tall as the text. */
  private refresh() {
    const code = this.input.value;
    this.layer.innerHTML = plainHtml(code);
    this.fit();
    const token = ++this.highlightToken;
    void highlightSql(code)
      .then((html) => {
        if (token === this.highlightToken) this.layer.innerHTML = html;
      })
      .catch(() => {});
  }

  private fit() {
    this.input.rows = Math.max(1, this.input.value.split("\n").length);
  }

  /** Runs the cell; resolves to whether the result met the cell's expectation. */
  async run(options: RunOptions = {}): Promise<boolean> {
    if (this.running) return false;
    this.stopWatching();
    const sql = this.input.value;
    if (!labToken() || !this.lab) {
      this.showOffline();
      return false;
    }
    const nodes = this.node === "all" ? [...NODE_NAMES] : [this.node];
    const ids = nodes.map(() => crypto.randomUUID());
    const controller = new AbortController();
    this.running = { ids, controller };
    this.setRunning(true);
    const started = performance.now();
    const ticker = setInterval(() => (this.state.textContent = `running… ${duration(performance.now() - started)}`), 100);
    try {
      const attempt = () =>
        Promise.all(
          nodes.map((node, i) =>
            api<QueryResponse>("/api/query", { node, sql, id: ids[i] }, controller.signal).catch(
              (error: Error): QueryResponse => ({ node, results: [], error: { code: "LAB00", message: error.message, node } }),
            ),
          ),
        );
      const within = Number(this.dataset["within"] ?? 0);
      const { responses, verdicts, attempts, waitedMs } = await runUntilMet(attempt, this.expectation, within);
      this.show(responses, verdicts, sql);
      if (attempts > 1) {
        this.output.prepend(el("div", "cell-waited", `Ran ${attempts} times over ${duration(waitedMs)}, waiting for replication to catch up.`));
      }
      const watch = responses.length === 1 ? responses[0]!.results.at(-1)?.watch : undefined;
      if (watch && !options.once) this.startWatching(nodes[0]!, watch.sql, watch.seconds);
      return verdicts.every((verdict) => verdict.met);
    } finally {
      clearInterval(ticker);
      this.running = null;
      this.setRunning(false);
    }
  }

  async cancel() {
    if (!this.running) return this.stopWatching();
    this.state.textContent = "cancelling…";
    await Promise.all(this.running.ids.map((id) => api("/api/cancel", { id }).catch(() => {})));
  }

  private setRunning(running: boolean) {
    this.classList.toggle("is-running", running);
    this.runButton.disabled = running;
    this.cancelButton.hidden = !running && this.watchTimer === undefined;
    if (!running && this.watchTimer === undefined) this.state.textContent = "";
  }

  private show(responses: QueryResponse[], verdicts: Verdict[], sql: string) {
    this.output.replaceChildren();
    this.output.classList.remove("is-recorded");
    this.output.append(this.verdictBanner(verdicts, responses));
    const expectError = this.expectation.kind === "error";
    if (responses.length === 1) {
      this.output.append(renderResponse(responses[0]!, sql, expectError && verdicts[0]!.met));
      return;
    }
    // Fan-out. When every node answered alike, one answer is shown once, naming the nodes; otherwise one
    // column per node, with a mark on every node whose answer differs from master's.
    const reference = fingerprint(responses[0]!);
    if (responses.every((response) => fingerprint(response) === reference)) {
      const same = el("div", "cell-fanout-same");
      same.append(el("div", "cell-fanout__head", `Same answer on ${responses.map((r) => r.node).join(", ")}`));
      same.append(renderResponse(responses[0]!, sql, expectError && verdicts[0]!.met));
      this.output.append(same);
      return;
    }
    const grid = el("div", "cell-fanout");
    responses.forEach((response, i) => {
      const column = el("div", "cell-fanout__node");
      const differs = fingerprint(response) !== reference;
      column.classList.toggle("differs", differs);
      const head = el("div", "cell-fanout__head", response.node);
      if (differs) head.append(el("span", "cell-fanout__badge", "differs from master"));
      column.append(head, renderResponse(response, sql, expectError && verdicts[i]!.met));
      grid.append(column);
    });
    this.output.append(grid);
  }

  private verdictBanner(verdicts: Verdict[], responses: QueryResponse[]): HTMLElement {
    const failed = verdicts.map((verdict, i) => ({ verdict, node: responses[i]!.node })).filter(({ verdict }) => !verdict.met);
    const explicit = this.dataset["expect"] && this.dataset["expect"] !== "ok";
    if (failed.length === 0) {
      const banner = el("div", "cell-verdict cell-verdict--met");
      banner.textContent =
        this.expectation.kind === "error"
          ? "✓ This error is expected: the lesson makes it on purpose. Read on for why."
          : explicit
            ? "✓ As expected."
            : "";
      if (!banner.textContent) banner.hidden = true;
      return banner;
    }
    const banner = el("div", "cell-verdict cell-verdict--missed");
    banner.textContent = `✗ Not what the lesson expects: ${failed.map(({ node, verdict }) => (responses.length > 1 ? `${node} ${verdict.reason}` : verdict.reason)).join("; ")}.`;
    // A node that is down explains itself; otherwise the likely cause is the lab's state, not the SQL.
    const bridgeTrouble = responses.some((response) => response.error?.code.startsWith("LAB"));
    if (!bridgeTrouble) {
      banner.append(
        el(
          "div",
          "cell-verdict__hint",
          "Cells build on the ones before them: if some ran twice or out of order, the lab is not in the state this cell expects.",
        ),
      );
    }
    return banner;
  }

  private showOffline() {
    const message = el(
      "div",
      "cell-offline",
      "The lab is not reachable from this page. Start it with npm start and open the address it prints; then run this cell again.",
    );
    this.output.querySelector(".cell-offline")?.remove();
    // A recorded answer stays: it is still worth reading.
    if (this.output.classList.contains("is-recorded")) this.output.prepend(message);
    else this.output.replaceChildren(message);
  }

  /** psql's \watch: run the query again every N seconds until stopped, showing the newest result. */
  private startWatching(node: NodeName, sql: string, seconds: number) {
    const tick = async () => {
      let response: QueryResponse;
      try {
        response = await api<QueryResponse>("/api/query", { node, sql });
      } catch (error) {
        response = { node, results: [], error: { code: "LAB00", message: (error as Error).message, node } };
      }
      if (this.watchTimer === undefined) return;
      const title = el("div", "cell-watch-title", `Every ${seconds} s · ${new Date().toLocaleTimeString()} · on ${node}`);
      this.output.replaceChildren(title, renderResponse(response, sql, false));
      this.watchTimer = setTimeout(() => void tick(), seconds * 1000);
    };
    this.watchTimer = setTimeout(() => void tick(), seconds * 1000);
    this.state.textContent = `watching every ${seconds} s`;
    this.cancelButton.hidden = false;
    this.cancelButton.textContent = "Stop";
    this.classList.add("is-watching");
  }

  private stopWatching() {
    if (this.watchTimer === undefined) return;
    clearTimeout(this.watchTimer);
    this.watchTimer = undefined;
    this.classList.remove("is-watching");
    this.cancelButton.hidden = true;
    this.cancelButton.textContent = "Cancel";
    this.state.textContent = "stopped watching";
  }
}

if (!customElements.get("sql-cell")) customElements.define("sql-cell", SqlCellElement);
