// Stopping a statement from outside its connection, for cells and console sessions alike. A cancel is a
// protocol CancelRequest on a socket of its own: it needs no pooled connection (Cancel works when every one
// is busy), no login, and no connection slot. Terminating a backend, when a cancel is not enough, takes a
// short-lived connection of its own, never one from the pool.
import net from "node:net";
import pg from "pg";
import type { BackendKey } from "./pg-internals.ts";

/** PostgreSQL's CancelRequest code: 1234 in the high 16 bits, 5678 in the low. */
const CANCEL_REQUEST_CODE = 80877102;
const TIMEOUT_MS = 3000;

/**
 * Asks the server to cancel what the backend runs. Resolves true once the server has taken the request (it
 * closes the socket after signalling the backend), false if it could not be reached. PostgreSQL never says
 * whether a statement was running: a backend that is idle ignores the request.
 */
export function sendCancel(key: BackendKey): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = key.host.startsWith("/")
      ? net.connect(`${key.host}/.s.PGSQL.${key.port}`)
      : net.connect(key.port, key.host);
    const done = (sent: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(sent);
    };
    const timer = setTimeout(() => done(false), TIMEOUT_MS);
    let written = false;
    socket.on("error", () => done(false));
    socket.on("connect", () => {
      const request = Buffer.alloc(16);
      request.writeInt32BE(16, 0);
      request.writeInt32BE(CANCEL_REQUEST_CODE, 4);
      request.writeInt32BE(key.processID, 8);
      request.writeInt32BE(key.secretKey, 12);
      socket.write(request, () => (written = true));
    });
    socket.on("close", () => done(written));
    socket.resume();
  });
}

/**
 * Ends a backend the bridge has given up on, from a connection of its own to the same server as `from` (the
 * connection it gave up on). Resolves whether it was ended.
 */
export async function terminateBackend(from: pg.Client, pid: number): Promise<boolean> {
  const { host, port, user, password, database, ssl } = from;
  const config: pg.ClientConfig = { host, port, user, password, database, ssl };
  const client = new pg.Client({
    ...config,
    connectionTimeoutMillis: TIMEOUT_MS,
    query_timeout: TIMEOUT_MS,
    application_name: "replication-lab bridge (terminate)",
  });
  client.on("error", () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ ended: boolean }>("SELECT pg_catalog.pg_terminate_backend($1, $2) AS ended", [
      pid,
      TIMEOUT_MS,
    ]);
    return rows[0]?.ended === true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
