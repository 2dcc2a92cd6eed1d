// The lab's four nodes. Its own module so that the request schemas (shared/api-schemas.ts) and the message types
// (shared/api-types.ts, which takes its request types from the schemas) both use it without importing each other.

export const NODE_NAMES = ["master", "slave1", "slave2", "slave3"] as const;
export type NodeName = (typeof NODE_NAMES)[number];

export function isNodeName(value: unknown): value is NodeName {
  return typeof value === "string" && (NODE_NAMES as readonly string[]).includes(value);
}
