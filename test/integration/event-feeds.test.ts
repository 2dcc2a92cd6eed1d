// The bridge's two server-sent-event feeds keep an idle connection alive the same way: a comment line every
// LAB_KEEPALIVE_MS. The monitor's feed had no keep-alive of its own; a short interval shows both send it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHILD_TOKEN, startChildBridge, type ChildBridge } from "../support/child-bridge.ts";

/** Reads a feed until `wanted` appears in it, and gives back everything read by then. */
async function readUntil(url: string, wanted: string): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(`${url}?token=${CHILD_TOKEN}`, { signal: controller.signal });
  expect(response.headers.get("content-type")).toBe("text/event-stream");
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (!text.includes(wanted)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    controller.abort();
  }
  return text;
}

describe("server-sent-event feeds", () => {
  let bridge: ChildBridge;

  beforeAll(async () => {
    bridge = await startChildBridge({ LAB_KEEPALIVE_MS: "50" });
  });

  afterAll(async () => {
    await bridge?.stop();
  });

  it("the node states' feed sends keep-alive comments", async () => {
    const text = await readUntil(`${bridge.url}/api/events`, ": keep-alive\n\n");
    expect(text).toMatch(/^event: lab\ndata: \{"mode":"external"/);
    expect(text).toContain(": keep-alive\n\n");
  });

  it("the live monitor's feed sends keep-alive comments", async () => {
    const text = await readUntil(`${bridge.url}/api/monitor`, ": keep-alive\n\n");
    expect(text).toMatch(/^event: load\ndata: \{/);
    expect(text).toContain(": keep-alive\n\n");
  });
});
