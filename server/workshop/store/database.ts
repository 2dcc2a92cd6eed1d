// The hub's own PostgreSQL cluster: workshop state (attendees, sessions, join codes) lives in a real database
// that outlives the hub process. It is an embedded cluster like a lab node's, but in <workshopDir>/hub/ and, as
// root, run as the OS user `rlab-<tag>-hub` (the tag is the workshop folder's, workshop-tag.ts): no attendee's
// lab runs as that user, nor does another workshop's hub, so no attendee's superuser SQL (COPY ... TO PROGRAM,
// pg_read_file) can read its data folder, and its password sits in a root-only file.
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { findBinaries } from "../../lab/embedded/binaries.ts";
import { Cluster } from "../../lab/embedded/cluster.ts";
import { stopLeftoverServer } from "../../lab/embedded/leftover-server.ts";
import { nextFreePort } from "../../lab/embedded/ports.ts";
import { checkReachable, osUser } from "../../lab/embedded/postgres-user.ts";
import { ownSecret } from "../../secret-file.ts";
import { userPrefix, workshopTag } from "../workshop-tag.ts";

/** The OS user the hub's cluster of the workshop tagged `tag` runs as (when the hub is root). */
export function hubOsUser(tag: string): string {
  return `${userPrefix(tag)}hub`;
}
const HUB_DB_USER = "hub";
/** Where the hub's cluster first looks for a free port; it needs no fixed one (nothing else points at it). */
const FIRST_PORT = 55100;

/** Small: the hub's database holds a few hundred rows and serves one process. */
const HUB_SETTINGS = `
# Replication Lab workshop hub: workshop state only, reachable on loopback with a password.
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 20
shared_buffers = 16MB
`;

export interface HubFolders {
  /** <workshopDir>/hub: root's, passable (0711) so that the hub's OS user reaches its data folder below it. */
  root: string;
  /** The cluster's data folder, 0700, owned by the hub's OS user. */
  data: string;
  /** The hub's secrets (database password, signing key, passphrase hash), 0700, owned by the hub's own user. */
  secrets: string;
  /** The cluster's log, written through a descriptor the hub opens, so root's. */
  logs: string;
}

export function hubFolders(workshopDir: string): HubFolders {
  const root = path.join(path.resolve(workshopDir), "hub");
  return {
    root,
    data: path.join(root, "pgdata"),
    secrets: path.join(root, "secrets"),
    logs: path.join(root, "logs"),
  };
}

export class HubDatabase {
  private constructor(
    private readonly cluster: Cluster,
    readonly pool: pg.Pool,
    readonly port: number,
  ) {}

  /** Starts the hub's cluster in <workshopDir>/hub (initialising it the first time) and connects to it. */
  static async open(workshopDir: string, note: (text: string) => void = () => {}): Promise<HubDatabase> {
    const folders = hubFolders(workshopDir);
    const runAs = await osUser(hubOsUser(await workshopTag(workshopDir)));
    await fs.mkdir(folders.root, { recursive: true, mode: 0o711 });
    await fs.chmod(folders.root, 0o711);
    await fs.mkdir(folders.secrets, { recursive: true, mode: 0o700 });
    if (runAs) await checkReachable(folders.data, runAs);
    const password = await ownSecret(
      {
        file: path.join(folders.secrets, "database-password"),
        what: "the hub database's password file",
        repair: "Delete the whole hub folder to start the workshop afresh.",
        bytes: 24,
      },
      note,
    );
    const cluster = new Cluster({
      name: "the hub's database",
      dataDir: folders.data,
      logFile: path.join(folders.logs, "hub.log"),
      binaries: await findBinaries(runAs, note),
      runAs,
      user: HUB_DB_USER,
      password,
      conf: HUB_SETTINGS,
    });
    // A hub that was killed leaves its postmaster running on the data folder: stop it, or ours can't start.
    await stopLeftoverServer("hub", folders.data, note).catch(() => {});
    if (!(await cluster.isInitialised())) await cluster.initialise();
    const port = await nextFreePort(FIRST_PORT, new Set());
    await cluster.start(port);
    const pool = new pg.Pool({
      host: "127.0.0.1",
      port,
      user: HUB_DB_USER,
      password,
      database: "postgres",
      max: 5,
    });
    // An idle connection the server drops (the cluster stopped under us) must not end the hub.
    pool.on("error", (error) => note(`the hub's database connection failed: ${error.message}`));
    return new HubDatabase(cluster, pool, port);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
    await this.cluster.stop();
  }
}
