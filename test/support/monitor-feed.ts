// The live monitor's feed as the tests read it: its first sample, from a new connection.
import { inject } from "vitest";
import type { MonitorSample } from "../../shared/api-types.ts";
import { bridgeUrl } from "./bridge.ts";

/** The first sample of the live monitor's feed. */
export async function monitorSample(): Promise<MonitorSample> {
  const controller = new AbortController();
  const response = await fetch(`${bridgeUrl()}/api/monitor?token=${inject("token")}`, { signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the monitor's feed ended");
      buffer += decoder.decode(value, { stream: true });
      const sample = /event: sample\ndata: (.*)\n\n/.exec(buffer);
      if (sample) return JSON.parse(sample[1]!) as MonitorSample;
    }
  } finally {
    controller.abort();
  }
}
