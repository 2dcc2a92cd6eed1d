// What an inventory lab's data takes, from the servers themselves: the hub can't see their disks (they run
// elsewhere), so it adds up pg_database_size of every database on each of the lab's four nodes. It leaves out
// WAL and the servers' own files, which only the machine running them can measure.
import pg from "pg";
import { NODE_NAMES } from "../../../shared/api-types.ts";
import { clientConfig, type Lab } from "../../lab/lab.ts";

/** Bytes of every database on the lab's nodes; null when a node can't be reached (its share is unknown). */
export async function databaseBytes(lab: Lab): Promise<number | null> {
  const sizes = await Promise.all(NODE_NAMES.map((name) => nodeBytes(lab, name)));
  return sizes.some((size) => size === null) ? null : sizes.reduce<number>((sum, size) => sum + size!, 0);
}

async function nodeBytes(lab: Lab, name: (typeof NODE_NAMES)[number]): Promise<number | null> {
  const client = new pg.Client({ ...clientConfig(lab.endpoint(name)), connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ bytes: string }>(
      "SELECT sum(pg_database_size(oid))::bigint AS bytes FROM pg_database WHERE datallowconn",
    );
    return Number(rows[0]?.bytes ?? 0);
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}
