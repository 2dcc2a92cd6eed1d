// The lab's replication picture as GET /api/lab reports it (issue 15), from a real lab: master's publication and
// slots with their bytes behind, and each subscription's arrow, which turns disabled and failing as the
// subscription does, and streams again once put back.
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { LabStatus, ReplicationLink, ReplicationPicture } from "../../shared/api-types.ts";
import { withPort } from "../../server/lab/conninfo.ts";
import { call, query, waitFor } from "../support/bridge.ts";
import { setUpReplication } from "../support/replication.ts";
import { freeBase } from "../support/temp-dir.ts";

async function picture(): Promise<ReplicationPicture | undefined> {
  return ((await call("/api/lab")).json as LabStatus).replication;
}

/** slave1's arrow once it says `state`. */
async function slave1Arrow(state: ReplicationLink["state"]): Promise<ReplicationLink> {
  return waitFor(async () => {
    const link = (await picture())?.links.find((l) => l.subscriber === "slave1");
    return link?.state === state ? link : undefined;
  }, 20_000);
}

describe("the replication picture in GET /api/lab", () => {
  beforeAll(setUpReplication, 60_000);

  it("has master's publication and slots, and an arrow from master to each follower, streaming", async () => {
    const now = await waitFor(async () => {
      const seen = await picture();
      return seen?.links.length === 3 && seen.links.every((l) => l.state === "streaming") ? seen : undefined;
    }, 15_000);
    expect(now.publications).toEqual([{ name: "userpub", allTables: false, tables: 1 }]);
    expect(now.slots.map((slot) => slot.name)).toEqual(["sub_slave1", "sub_slave2", "sub_slave3"]);
    for (const slot of now.slots) {
      expect(slot).toMatchObject({ active: true, walStatus: "reserved", behindFrom: "confirmed_flush_lsn" });
      expect(slot.bytesBehind).toBeGreaterThanOrEqual(0);
    }
    expect(now.links.find((l) => l.subscriber === "slave2")).toMatchObject({
      name: "sub_slave2",
      publisher: "master",
      publications: ["userpub"],
      slot: "sub_slave2",
      detail: "streaming",
    });
  });

  it("turns an arrow disabled, then failing when its publisher can't be reached, then streaming again", async () => {
    expect((await query("slave1", "ALTER SUBSCRIPTION sub_slave1 DISABLE")).error).toBeUndefined();
    await slave1Arrow("disabled");
    await waitFor(async () => (await picture())?.slots.find((s) => s.name === "sub_slave1")?.active === false);

    const master = ((await call("/api/lab")).json as LabStatus).nodes[0]!.conninfo;
    const nowhere = withPort(master, inject("pgPorts")["master"]!, await freeBase(1));
    expect((await query("slave1", `ALTER SUBSCRIPTION sub_slave1 CONNECTION '${nowhere}'`)).error).toBeUndefined();
    expect((await query("slave1", "ALTER SUBSCRIPTION sub_slave1 ENABLE")).error).toBeUndefined();
    try {
      const failing = await slave1Arrow("failing");
      expect(failing.publisher).toBeNull();
      expect(failing.detail).toContain("where no node of this lab listens");
    } finally {
      await query("slave1", `ALTER SUBSCRIPTION sub_slave1 CONNECTION '${master}'`);
      await query("slave1", "ALTER SUBSCRIPTION sub_slave1 ENABLE");
    }
    expect(await slave1Arrow("streaming")).toMatchObject({ publisher: "master" });
  }, 60_000);
});
