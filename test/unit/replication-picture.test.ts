// What each arrow of the lab's diagram says, from the watch's readings: the rules of server/lab/replication-picture.ts.
import { describe, expect, it } from "vitest";
import { FOLLOWERS, NODE_NAMES, type NodeName } from "../../shared/api-types.ts";
import {
  CATCHING_UP_BYTES,
  replicationPicture,
  type SubscriptionReading,
} from "../../server/lab/replication-picture.ts";

const [MASTER] = NODE_NAMES;
const [, FOLLOWER] = FOLLOWERS;

function reading(patch: Partial<SubscriptionReading> = {}): SubscriptionReading {
  return {
    subscriber: FOLLOWER,
    name: "sub",
    enabled: true,
    publisher: MASTER,
    publications: ["pub"],
    slot: "sub",
    broken: null,
    recentErrors: 0,
    tablesCopying: 0,
    ...patch,
  };
}

function draw(sub: SubscriptionReading, behind: number | null = 0, down: NodeName[] = []) {
  const nodes = NODE_NAMES.map((name) => ({ name, state: down.includes(name) ? ("down" as const) : ("up" as const) }));
  const slot = { name: "sub", active: true, walStatus: "reserved", bytesBehind: behind, behindFrom: null };
  return replicationPicture({ nodes, master: { publications: [], slots: [slot] }, subscriptions: [sub] });
}

describe("the replication picture", () => {
  it("says streaming, with the slot's bytes behind on the arrow", () => {
    expect(draw(reading(), 120).links[0]).toMatchObject({ state: "streaming", bytesBehind: 120, publisher: MASTER });
  });

  it("says node-down when the subscriber or its publisher is down, before anything else", () => {
    expect(draw(reading({ enabled: false }), 0, [FOLLOWER]).links[0]).toMatchObject({
      state: "node-down",
      detail: `${FOLLOWER} is down`,
    });
    const masterDown = draw(reading(), 5000, [MASTER]);
    expect(masterDown.links[0]).toMatchObject({ state: "node-down", bytesBehind: null });
    expect(masterDown.slots[0]).toMatchObject({ active: false, bytesBehind: null });
  });

  it("says disabled, then failing (broken, or recent errors), then catching up", () => {
    expect(draw(reading({ enabled: false })).links[0]!.state).toBe("disabled");
    expect(draw(reading({ broken: "no apply worker" })).links[0]).toMatchObject({
      state: "failing",
      detail: "no apply worker",
    });
    expect(draw(reading({ recentErrors: 3 })).links[0]!.detail).toContain("3 apply or copy errors");
    expect(draw(reading({ tablesCopying: 1 })).links[0]).toMatchObject({ state: "catching-up" });
    expect(draw(reading(), CATCHING_UP_BYTES).links[0]!.state).toBe("catching-up");
    expect(draw(reading(), CATCHING_UP_BYTES - 1).links[0]!.state).toBe("streaming");
  });

  it("has no bytes behind for a subscription to a node that is not master, or to no node of the lab", () => {
    expect(draw(reading({ publisher: null })).links[0]!.bytesBehind).toBeNull();
    expect(draw(reading({ publisher: FOLLOWERS[0] })).links[0]!.bytesBehind).toBeNull();
  });
});
