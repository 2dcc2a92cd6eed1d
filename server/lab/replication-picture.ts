// The lab's replication as one picture (issue 15): master's publications and slots, and each follower's
// subscriptions as a link from its publisher, with a state a learner can read off an arrow. The subscription watch
// reads the nodes; this module only decides, from what was read, what each arrow says, so that the rules are in
// one place and can be tested without a lab.
import type {
  CellNode,
  LinkState,
  NodeName,
  NodeStatus,
  ReplicationLink,
  ReplicationPicture,
  SlotPicture,
} from "../../shared/api-types.ts";

/** A slot this far behind (or more) reads as catching up: below it, the normal lag of feedback between commits. */
export const CATCHING_UP_BYTES = 1024 * 1024;

/** One subscription as the watch last read it on its node. */
export interface SubscriptionReading {
  subscriber: NodeName;
  name: string;
  enabled: boolean;
  publisher: NodeName | null;
  publications: string[];
  slot: string | null;
  /** The watch's verdict: enabled but without an apply worker for a few seconds, and why. */
  broken: string | null;
  /** Apply or copy errors counted in the last moments (pg_stat_subscription_stats rose). */
  recentErrors: number;
  /** Tables of the subscription not yet `r` (ready) in pg_subscription_rel: the initial copy is under way. */
  tablesCopying: number;
}

/** What the watch last read on master (kept while master is down, with no figures). */
export interface MasterReading {
  publications: ReplicationPicture["publications"];
  slots: SlotPicture[];
}

export interface PictureInput {
  nodes: Pick<NodeStatus, "name" | "state">[];
  master: MasterReading;
  subscriptions: SubscriptionReading[];
}

/** The picture from the last readings and the nodes' states now. */
export function replicationPicture({ nodes, master, subscriptions }: PictureInput): ReplicationPicture {
  const up = (name: CellNode | null) => name !== null && nodes.find((node) => node.name === name)?.state === "up";
  const masterName = nodes[0]?.name ?? null;
  const masterUp = up(masterName);
  const slots = masterUp ? master.slots : master.slots.map((slot) => ({ ...slot, active: false, bytesBehind: null }));
  const links = subscriptions.map((reading): ReplicationLink => {
    const slot = reading.publisher === masterName ? slots.find((s) => s.name === reading.slot) : undefined;
    const bytesBehind = slot?.bytesBehind ?? null;
    const { state, detail } = linkState(reading, bytesBehind, up);
    return {
      subscriber: reading.subscriber,
      name: reading.name,
      publisher: reading.publisher,
      publications: reading.publications,
      slot: reading.slot,
      state,
      detail,
      bytesBehind,
    };
  });
  return { publications: master.publications, slots, links };
}

/** The arrow's state, first match wins (see LinkState), and why in words. */
export function linkState(
  reading: SubscriptionReading,
  bytesBehind: number | null,
  up: (name: NodeName | null) => boolean,
): { state: LinkState; detail: string } {
  if (!up(reading.subscriber)) return { state: "node-down", detail: `${reading.subscriber} is down` };
  if (reading.publisher !== null && !up(reading.publisher)) {
    return { state: "node-down", detail: `its publisher, ${reading.publisher}, is down` };
  }
  if (!reading.enabled) return { state: "disabled", detail: "disabled (ALTER SUBSCRIPTION ... ENABLE resumes it)" };
  if (reading.broken) return { state: "failing", detail: reading.broken };
  if (reading.recentErrors > 0) {
    const errors =
      reading.recentErrors === 1 ? "an apply or copy error" : `${reading.recentErrors} apply or copy errors`;
    return { state: "failing", detail: `${errors} in the last 30 s (the subscriber's log says why)` };
  }
  if (reading.tablesCopying > 0) {
    const tables = reading.tablesCopying === 1 ? "1 table" : `${reading.tablesCopying} tables`;
    return { state: "catching-up", detail: `${tables} still being copied` };
  }
  if (bytesBehind !== null && bytesBehind >= CATCHING_UP_BYTES) {
    return { state: "catching-up", detail: "its slot on master is 1 MiB or more behind" };
  }
  return { state: "streaming", detail: "streaming" };
}
