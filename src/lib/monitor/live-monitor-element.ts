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

class LiveMonitorElement extends HTMLElement {
  private chart: uPlot | undefined;
  /** The chart's series: the times, then each node's counts. */
  private readonly data: number[][] = [[], ...NODE_NAMES.map(() => [])];
  private stop: (() => void) | undefined;
  private resize: ResizeObserver | undefined;
  /** Waits for the chart to come near the screen, until it does. */
  private nearScreen: IntersectionObserver | undefined;

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
        scales: { x: { time: true } },
        axes: [
          { ...axis, space: 90, values: (_u, splits) => splits.map((v) => new Date(v * 1000).toLocaleTimeString()) },
          { ...axis, size: 60, values: (_u, splits) => splits.map((v) => v.toLocaleString("en-US")) },
        ],
        series: [
          {},
          ...NODE_NAMES.map((name) => ({
            label: name,
            stroke: COLORS[name],
            width: 2,
            spanGaps: false,
            points: { show: false },
          })),
        ],
      },
      this.data as uPlot.AlignedData,
      holder,
    );
    this.resize = new ResizeObserver(() => this.chart?.setSize({ width: holder.clientWidth, height: 220 }));
    this.resize.observe(holder);
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
