import pg from "pg";
import { isNodeName, NODE_NAMES } from "../../shared/api-types.ts";
import { LAB_DATABASE } from "../config.ts";
import { NodeNotRunning } from "../errors.ts";
import { onNode, type Lab } from "./lab.ts";

/**
 * Puts the lab back to fresh: no subscriptions, publications or slots, and an empty `replication` database on
 * every node. Subscriptions are detached from their slots before they are dropped, so that a reset works even
 * when master is down; the slots they leave on master are dropped here too. On the lab's own servers
 * (embedded, docker) what a lesson left outside the database goes too: roles and ALTER SYSTEM settings, with a
 * restart for a node whose setting waits for one (see resetServer). External servers are the user's own: their
 * roles and settings are left alone.
 */
export async function resetLab(lab: Lab): Promise<void> {
  // The four nodes must be up; lesson 12's standby, in whatever state, is removed below.
  const down = lab.status().nodes.filter((node) => isNodeName(node.name) && node.state !== "up");
  if (down.length > 0) {
    const names = down.map((node) => node.name).join(", ");
    throw new NodeNotRunning(`Start every node before a reset: ${names} ${down.length === 1 ? "is" : "are"} not up.`);
  }
  // Lesson 12's standby goes first: it is not one of the four, and its slot on master goes with it.
  await lab.removeStandby();
  const database = lab.endpoint("master").database || LAB_DATABASE;
  await Promise.all(
    NODE_NAMES.map((name) =>
      onNode(lab.endpoint(name), database, async (client) => {
        const { rows } = await client.query<{ subname: string }>(
          "SELECT subname FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = " +
            "current_database())",
        );
        for (const { subname } of rows) {
          const sub = client.escapeIdentifier(subname);
          await client.query(`ALTER SUBSCRIPTION ${sub} DISABLE`);
          await client.query(`ALTER SUBSCRIPTION ${sub} SET (slot_name = NONE)`);
          await client.query(`DROP SUBSCRIPTION ${sub}`);
        }
      }),
    ),
  );
  await Promise.all(
    NODE_NAMES.map((name) =>
      onNode(lab.endpoint(name), "postgres", async (client) => {
        // A walsender can hold a slot for a moment after its subscription went away: end it, then drop.
        for (let attempt = 0; attempt < 50; attempt++) {
          await client.query(
            "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE active_pid IS NOT NULL",
          );
          await client.query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active");
          const { rowCount } = await client.query("SELECT 1 FROM pg_replication_slots");
          if (rowCount === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)} WITH (FORCE)`);
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      }),
    ),
  );
  if (lab.mode !== "external") {
    const waiting = await Promise.all(NODE_NAMES.map((name) => onNode(lab.endpoint(name), "postgres", resetServer)));
    for (const [i, name] of NODE_NAMES.entries()) {
      if (!waiting[i]) continue;
      await lab.stopNode(name);
      await lab.startNode(name);
    }
  }
  // A lab that watches its nodes may have looked while the database was dropped, and marked a node down until
  // its next look: it looks now, so that the next cell finds every node up.
  await lab.recheck();
}

/**
 * A lesson stopped halfway can leave roles (lesson 9's replicator) and settings (lesson 8's
 * max_slot_wal_keep_size, lesson 2's max_wal_senders) that the next run of the lesson trips over. Drops every
 * role but the superuser the lab logs in as and the predefined ones, and every ALTER SYSTEM setting (the lab's
 * own settings live in postgresql.conf or on the command line), reloads, and says whether a setting now waits
 * for a restart.
 */
async function resetServer(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ rolname: string }>(
    "SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' AND rolname <> current_user",
  );
  for (const { rolname } of rows) {
    const role = client.escapeIdentifier(rolname);
    await client.query(`DROP OWNED BY ${role}`);
    await client.query(`DROP ROLE ${role}`);
  }
  // Read before the reset: a setting that takes a restart, set with ALTER SYSTEM, is either in effect (only a
  // restart takes it back) or waiting for one. Either way the server needs a restart to be the lab's again.
  const { rows: restart } = await client.query(
    `SELECT 1 FROM pg_settings s
     WHERE s.pending_restart
        OR (s.context = 'postmaster'
            AND s.name IN (SELECT name FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf'))`,
  );
  await client.query("ALTER SYSTEM RESET ALL");
  await client.query("SELECT pg_reload_conf()");
  return restart.length > 0;
}
