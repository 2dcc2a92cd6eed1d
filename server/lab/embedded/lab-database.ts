import { LAB_DATABASE } from "../../config.ts";
import { onNode, type Endpoint } from "../lab.ts";

/** Creates the lab's database on a node that has none yet (a fresh initdb has only postgres). */
export async function ensureDatabase(endpoint: Endpoint): Promise<void> {
  await onNode(endpoint, "postgres", async (client) => {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [LAB_DATABASE]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(LAB_DATABASE)}`);
  });
}
