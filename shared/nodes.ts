// The lab's nodes, written out here only (test/unit/node-list.test.ts holds the rest of the code to it): master
// publishes, the followers subscribe. Everything that lists nodes, from the bridge's lab drivers to the
// components' props, takes them from here, so that a node added or renamed here is one everywhere. Its own
// module so that the request schemas (shared/api-schemas.ts) and the message types (shared/api-types.ts, which
// takes its request types from the schemas) both use it without importing each other.

export const FOLLOWERS = ["slave1", "slave2", "slave3"] as const;
export const NODE_NAMES = ["master", ...FOLLOWERS] as const;
export type NodeName = (typeof NODE_NAMES)[number];
export type Follower = (typeof FOLLOWERS)[number];

/**
 * Lesson 12's physical standby of master: an extra node that exists only from the lesson's step that makes it
 * until a lab reset, and only in the embedded lab. It is not one of NODE_NAMES: the monitor, `all` cells, the
 * lesson starts' snapshots and the load verdict are about the four nodes, and stay so.
 */
export const STANDBY = "standby" as const;
export type Standby = typeof STANDBY;
/** Every node a cell may name: the four, and the standby while it exists. */
export const CELL_NODES = [...NODE_NAMES, STANDBY] as const;
export type CellNode = (typeof CELL_NODES)[number];

/** What a cell may run on: one node, the standby, or `all` four side by side. */
export const NODE_OR_ALL = [...CELL_NODES, "all"] as const;
export type NodeOrAll = (typeof NODE_OR_ALL)[number];
/** What the subscriber's health check may look at: one follower, or `all` nodes. */
export const FOLLOWER_OR_ALL = [...FOLLOWERS, "all"] as const;

export function isNodeName(value: unknown): value is NodeName {
  return typeof value === "string" && (NODE_NAMES as readonly string[]).includes(value);
}

export function isCellNode(value: unknown): value is CellNode {
  return value === STANDBY || isNodeName(value);
}
