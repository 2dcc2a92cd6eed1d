// Runs a load in a process of its own, so that the load generator and the bridge it loads don't share one
// thread: the bridge forks this and relays its messages.
import type { LoadProgress, LoadSummary } from "../../shared/api-types.ts";
import { runLoad } from "./runner.ts";

export type ChildMessage =
  | { type: "progress"; progress: LoadProgress }
  | { type: "done"; summary: LoadSummary }
  | { type: "failed"; error: string };
export interface ChildStart {
  url: string;
  requests: number;
  concurrency: number;
}

const send = (message: ChildMessage) => process.send?.(message);
const controller = new AbortController();
process.on("disconnect", () => controller.abort());
process.once("message", async (start: ChildStart) => {
  try {
    const summary = await runLoad({
      ...start,
      signal: controller.signal,
      onProgress: (progress) => send({ type: "progress", progress }),
    });
    send({ type: "done", summary });
  } catch (error) {
    send({ type: "failed", error: (error as Error).message });
  } finally {
    process.disconnect?.();
  }
});
