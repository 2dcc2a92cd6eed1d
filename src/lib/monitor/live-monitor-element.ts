// <live-monitor>: counts of users on every node, four times a second, as numbers and a chart, with each
// follower's lag and the WAL master keeps for it. The charting library (uPlot, 22 KB gzip) loads once the chart
// comes near the screen: the samples are kept from the page's start, so the chart shows them all when it appears.
import type uPlot from "uplot";
import type { MonitorSample, NodeName } from "../../../shared/api-types.ts";
import { NODE_NAMES } from "../../../shared/api-types.ts";
import { api } from "../lab-client.ts";
import { formatBytes, watchMonitor } from "../monitor-client.ts";

/** A minute of samples at four a second. */
const WINDOW = 240;
const COLORS: Record<NodeName, string> = { master: "#3b82f6", slave1: "#16a34a", slave2: "#d97706", slave3: "#db2777" };
/**
 * How each node's line is drawn. Caught-up followers have master's count, so the four lines lie on each other:
 * master is a wide band underneath, and the followers' lines share it in turns, slave2 and slave3 dashed so
 * that each shows a third of the way and slave1 fills the gaps. Every line keeps its true values (an offset
 * would draw counts that no node has), and where they part the chart shows which follower is behind, which a
 * chart of lag alone would not show next to master's growth.
 */
const LINES: Record<NodeName, { width: number; dash?: number[] }> = {
  master: { width: 7 },
  slave1: { width: 2 },
  slave2: { width: 2, dash: [6, 12] },
  slave3: { width: 2, dash: [0, 6, 6, 6] },
};
/** The time axis always spans the last minute, so that its first seconds are not spread over the whole width. */
const SPAN_SECONDS = WINDOW / 4;
/** Steps between the time axis's labels: whole seconds, as its labels show them. */
const TIME_STEPS = [1, 2, 5, 10, 15, 20, 30, 60];
/** Steps between the count axis's labels: whole rows, up to more than a table of the lab would hold. */
const COUNT_STEPS = [1, 2, 5]
  .flatMap((step) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7].map((m) => step * m))
  .sort((a, b) => a - b);

/**
 * The count axis's range: the counts with a margin above and below, so that a line at the lowest or highest
 * count (0 rows, at the lesson's start) is drawn whole rather than cut in half by the plot's edge.
 */
function countRange(_u: uPlot, min: number | null, max: number | null): [number, number] {
  const low = min ?? 0;
  const high = max ?? low;
  const margin = Math.max(1, Math.ceil((high - low) * 0.08));
  return [low - margin, high + margin];
}

class LiveMonitorElement extends HTMLElement {
  private chart: uPlot | undefined;
  /** The chart's series: the times, then each node's counts. */
  private readonly data: number[][] = [[], ...NODE_NAMES.map(() => [])];
  private stop: (() => void) | undefined;
  private resize: ResizeObserver | undefined;
  /** Waits for the chart to come near the screen, until it does. */
  private nearScreen: IntersectionObserver | undefined;
  /** The time axis's labels as last drawn (the axis is drawn on a canvas; tests read them here). */
  private labels: string[] = [];

  connectedCallback() {
    this.stop = watchMonitor({
      sample: (sample) => this.show(sample),
      online: (online) => {
        this.querySelector<HTMLElement>(".monitor__offline")!.hidden = online;
        this.dataset["online"] = String(online);
      },
    });
    for (const button of this.querySelectorAll<HTMLButtonElement>(".monitor__toggle")) {
      button.addEventListener("click", () => void this.toggle(button));
    }
  }

  disconnectedCallback() {
    this.stop?.();
    this.nearScreen?.disconnect();
    this.nearScreen = undefined;
    this.resize?.disconnect();
    this.chart?.destroy();
  }

  /** The labels the chart's time axis shows now. */
  timeLabels(): string[] {
    return [...this.labels];
  }

  private tile(name: NodeName): HTMLElement {
    return this.querySelector<HTMLElement>(`.monitor__tile[data-node="${name}"]`)!;
  }

  private show(sample: MonitorSample) {
    this.dataset["online"] = "true";
    for (const node of sample.nodes) {
      const tile = this.tile(node.name);
      tile.dataset["state"] = node.state;
      const broken = node.brokenSubscriptions ?? [];
      tile.dataset["replication"] = broken.length > 0 ? "broken" : "ok";
      tile.querySelector(".monitor__state")!.textContent =
        broken.length > 0 ? `${node.state}, ${broken.join(", ")} broken` : node.state;
      tile.querySelector(".monitor__count")!.textContent =
        node.count === null ? "—" : node.count.toLocaleString("en-US");
      tile.dataset["count"] = String(node.count ?? "");
      const toggle = tile.querySelector<HTMLButtonElement>(".monitor__toggle");
      if (toggle && !toggle.disabled) {
        toggle.hidden = node.state !== "up" && node.state !== "down";
        toggle.dataset["action"] = node.state === "up" ? "stop" : "start";
        toggle.textContent = node.state === "up" ? "Stop" : "Start";
      }
      const slot = sample.slots.find((s) => s.node === node.name);
      const set = (field: string, text: string) => {
        const cell = tile.querySelector(`[data-field="${field}"]`);
        if (cell) cell.textContent = text;
      };
      set("lag", slot ? formatBytes(slot.lagBytes) : "no slot");
      set("time", slot?.replayLagMs === null || !slot ? "—" : `${slot.replayLagMs} ms`);
      set("retained", slot ? formatBytes(slot.retainedBytes) : "—");
      const master = sample.nodes[0]?.count;
      tile.classList.toggle(
        "is-behind",
        node.name !== "master" && node.count !== null && master !== null && master !== undefined && node.count < master,
      );
    }
    this.plot(sample);
  }

  private plot(sample: MonitorSample) {
    this.data[0]!.push(sample.at / 1000);
    sample.nodes.forEach((node, i) => this.data[i + 1]!.push(node.count ?? (null as unknown as number)));
    for (const series of this.data) if (series.length > WINDOW) series.splice(0, series.length - WINDOW);
    if (this.chart) this.chart.setData(this.data as uPlot.AlignedData);
    else this.chartWhenNear();
  }

  /** Makes the chart once its place is within a screen's height of the view (at once if it already is). */
  private chartWhenNear() {
    if (this.nearScreen) return;
    const holder = this.querySelector<HTMLElement>(".monitor__chart")!;
    this.nearScreen = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        this.nearScreen?.disconnect();
        void import("uplot").then(({ default: UPlot }) => {
          if (this.isConnected) this.createChart(UPlot, holder);
        });
      },
      { rootMargin: "100% 0px" },
    );
    this.nearScreen.observe(holder);
  }

  private createChart(UPlot: typeof uPlot, holder: HTMLElement) {
    const dark = document.documentElement.dataset["theme"] === "dark";
    const axis = { stroke: dark ? "#aab" : "#556", grid: { stroke: dark ? "#333844" : "#e5e7eb" } };
    this.chart = new UPlot(
      {
        width: holder.clientWidth || 600,
        height: 220,
        legend: { show: true, live: false },
        cursor: { show: false },
        scales: {
          x: { time: true, range: (_u, _min, max) => [max - SPAN_SECONDS, max] },
          y: { range: countRange },
        },
        axes: [
          {
            ...axis,
            space: 90,
            incrs: TIME_STEPS,
            values: (_u, splits) => (this.labels = splits.map((v) => new Date(v * 1000).toLocaleTimeString())),
          },
          {
            ...axis,
            size: 60,
            incrs: COUNT_STEPS,
            // The margin below 0 rows gets no label: no node has fewer.
            values: (_u, splits) => splits.map((v) => (v < 0 ? "" : v.toLocaleString("en-US"))),
          },
        ],
        series: [
          {},
          ...NODE_NAMES.map((name) => ({
            label: name,
            stroke: COLORS[name],
            ...LINES[name],
            spanGaps: false,
            points: { show: false },
          })),
        ],
      },
      this.data as uPlot.AlignedData,
      holder,
    );
    this.legendKeys(holder);
    this.resize = new ResizeObserver(() => this.chart?.setSize({ width: holder.clientWidth, height: 220 }));
    this.resize.observe(holder);
  }

  /**
   * uPlot's legend hides or shows a node's line on a click; this makes each entry a toggle button the keyboard
   * reaches too, saying whether its line is shown (uPlot dims an entry whose line is hidden).
   */
  private legendKeys(holder: HTMLElement) {
    const entries = [...holder.querySelectorAll<HTMLElement>(".u-legend .u-series")];
    entries.forEach((row, i) => {
      const label = row.querySelector<HTMLElement>("th");
      if (i === 0 || !label) return;
      label.tabIndex = 0;
      label.setAttribute("role", "button");
      label.setAttribute("aria-pressed", "true");
      label.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
        label.click();
        label.setAttribute("aria-pressed", String(!row.classList.contains("u-off")));
      });
      label.addEventListener("click", () =>
        queueMicrotask(() => label.setAttribute("aria-pressed", String(!row.classList.contains("u-off")))),
      );
    });
  }

  private async toggle(button: HTMLButtonElement) {
    const name = button.closest<HTMLElement>("[data-node]")!.dataset["node"]!;
    const action = button.dataset["action"];
    button.disabled = true;
    button.textContent = action === "stop" ? "Stopping…" : "Starting…";
    try {
      await api(`/api/lab/nodes/${name}/${action}`, {});
    } catch (error) {
      button.title = (error as Error).message;
    } finally {
      button.disabled = false;
    }
  }
}

if (!customElements.get("live-monitor")) customElements.define("live-monitor", LiveMonitorElement);
