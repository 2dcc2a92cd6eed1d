import { beforeAll, describe, expect, inject, it } from "vitest";
import type { MonitorSample, NodeStatus } from "../../shared/api-types.ts";
import { bridgeUrl, call, query, waitFor } from "../support/bridge.ts";
import { setUpReplication } from "../support/replication.ts";
import { withPort } from "../../server/lab/conninfo.ts";
import { freeBase } from "../support/temp-dir.ts";

async function slave2(): Promise<NodeStatus> {
  return ((await call("/api/lab")).json.nodes as NodeStatus[]).find((node) => node.name === "slave2")!;
}

/** The first sample of the live monitor's feed. */
async function monitorSample(): Promise<MonitorSample> {
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

describe("a subscription that can't reach its publisher", () => {
  beforeAll(setUpReplication, 60_000);

  it("shows as broken in the node's status and the monitor, not as up, and streaming again once fixed", async () => {
    await waitFor(async () => (await slave2()).subscriptions?.[0]?.state === "streaming", 15_000);
    const nowhere = await freeBase(1);
    const master = ((await call("/api/lab")).json.nodes as NodeStatus[])[0]!.conninfo;
    const conninfo = withPort(master, inject("pgPorts")["master"]!, nowhere);
    expect((await query("slave2", `ALTER SUBSCRIPTION sub_slave2 CONNECTION '${conninfo}'`)).error).toBeUndefined();
    try {
      const broken = await waitFor(async () => {
        const node = await slave2();
        return node.subscriptions?.[0]?.state === "broken" ? node : undefined;
      }, 20_000);
      expect(broken.subscriptions![0]).toMatchObject({ name: "sub_slave2", publisher: `127.0.0.1:${nowhere}` });
      expect(broken.subscriptions![0]!.reason).toContain(`127.0.0.1:${nowhere}, where no node of this lab listens`);
      const sample = await monitorSample();
      expect(sample.nodes.find((node) => node.name === "slave2")!.brokenSubscriptions).toEqual(["sub_slave2"]);
      expect(sample.nodes.find((node) => node.name === "slave1")!.brokenSubscriptions).toEqual([]);
    } finally {
      await query("slave2", `ALTER SUBSCRIPTION sub_slave2 CONNECTION '${master}'`);
    }
    await waitFor(async () => (await slave2()).subscriptions?.[0]?.state === "streaming", 20_000);
  }, 60_000);
});
