// The lab's replication picture as GET /api/lab reports it (issue 15), from a real lab: master's publication and
// slots with their bytes behind, and each subscription's arrow, which turns disabled and failing as the
// subscription does, and streams again once put back.
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { LabStatus, ReplicationLink, ReplicationPicture } from "../../shared/api-types.ts";
import { withPort } from "../../server/lab/conninfo.ts";
import { call, direct, query, waitFor } from "../support/bridge.ts";
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
      // A new subscription reads streaming for a few seconds before its worker has started (the watch's
      // grace): its slot turns active once the worker has connected.
      const streaming = seen?.links.length === 3 && seen.links.every((l) => l.state === "streaming");
      return streaming && seen.slots.length === 3 && seen.slots.every((slot) => slot.active) ? seen : undefined;
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

  it("forgets a subscription's apply errors once the lab is reset and a new one of the same name streams", async () => {
    // slave1's apply worker fails on a row in its way: the arrow says failing, with errors counted.
    const next = "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END AS next FROM users_id_seq";
    const id = (await direct<{ next: string }>("master", next))[0]!.next;
    await direct("slave1", "INSERT INTO users (id, name, email) VALUES ($1, 'in the way', 'way@example.com')", [id]);
    await direct("master", "INSERT INTO users (name, email) VALUES ('blocked', 'blocked@example.com')");
    const failing = await waitFor(async () => {
      const link = (await picture())?.links.find((l) => l.subscriber === "slave1");
      return link?.state === "failing" && link.detail.includes("apply or copy error") ? link : undefined;
    }, 30_000);
    expect(failing.name).toBe("sub_slave1");
    // A reset drops it; the new sub_slave1 is another subscription, with no errors of its own: it streams at
    // once, not after the old one's errors have aged out (30 s).
    const reset = Date.now();
    await setUpReplication();
    await waitFor(async () => {
      const links = (await picture())?.links ?? [];
      return links.length === 3 && links.every((l) => l.state === "streaming") ? links : undefined;
    }, 15_000);
    expect(Date.now() - reset).toBeLessThan(25_000);
  }, 90_000);
});
