import { expect } from "vitest";
import { FOLLOWERS, NODE_NAMES, type NodeName } from "../../shared/api-types.ts";
import { call, direct, query, waitFor } from "./bridge.ts";

/** The state lesson 5 leaves: users everywhere, userpub on master, one subscription per follower, in sync. */
export function setUpReplication(): Promise<void> {
  return setUpReplicationTo(FOLLOWERS);
}

/** The same with only these followers subscribed: a lab where lesson 5 was skipped or stopped halfway. */
export async function setUpReplicationTo(followers: readonly NodeName[]): Promise<void> {
  const reset = await call("/api/lab/reset", {});
  expect(reset.status).toBe(200);
  const lab = reset.json as { nodes: { name: string; conninfo: string }[] };
  const conninfo = lab.nodes.find((node) => node.name === "master")!.conninfo;
  for (const node of NODE_NAMES) {
    const { error } = await query(
      node,
      "CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL, created_at " +
        "timestamptz NOT NULL DEFAULT now())",
    );
    expect(error).toBeUndefined();
  }
  expect((await query("master", "CREATE PUBLICATION userpub FOR TABLE users")).error).toBeUndefined();
  for (const node of followers) {
    const { error } = await query(node, `CREATE SUBSCRIPTION sub_${node} CONNECTION '${conninfo}' PUBLICATION userpub`);
    expect(error).toBeUndefined();
  }
  await waitFor(
    async () =>
      (await direct("master", "SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'")).length ===
      followers.length,
    15_000,
  );
}

export async function counts(nodes: readonly NodeName[] = NODE_NAMES): Promise<Record<string, number>> {
  const entries = await Promise.all(
    nodes.map(
      async (node) =>
        [node, Number((await direct<{ n: string }>(node, "SELECT count(*) AS n FROM users"))[0]!.n)] as const,
    ),
  );
  return Object.fromEntries(entries);
}
