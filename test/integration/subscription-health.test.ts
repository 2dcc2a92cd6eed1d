import { beforeAll, describe, expect, inject, it } from "vitest";
import type { NodeStatus } from "../../shared/api-types.ts";
import { call, query, waitFor } from "../support/bridge.ts";
import { monitorSample } from "../support/monitor-feed.ts";
import { setUpReplication } from "../support/replication.ts";
import { withPort } from "../../server/lab/conninfo.ts";
import { freeBase } from "../support/temp-dir.ts";

async function slave2(): Promise<NodeStatus> {
  return ((await call("/api/lab")).json.nodes as NodeStatus[]).find((node) => node.name === "slave2")!;
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
