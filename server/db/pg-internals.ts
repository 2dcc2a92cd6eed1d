// THE ONE MODULE THAT REACHES INTO pg, written against pg 8.23 (PG_CHECKED). pg has no public way to get the
// backend's key (for a protocol CancelRequest), to know whether the server has sent ReadyForQuery yet, to hear
// the protocol messages it keeps to itself (ParameterStatus, ReadyForQuery as it arrives), to reach the socket
// under a client, or to send CopyFail from a submittable; these functions do it with pg's own fields, and
// nothing else in the bridge may. Where pg has a public way, the bridge uses it instead: the transaction
// status is client.getTransactionStatus() (pg 8.21). When pg moves past PG_CHECKED, test/unit/pg-boundary.test.ts
// fails until each field below is checked against the new lib/client.js and lib/connection.js, and
// test/integration/pg-internals.test.ts fails when a real connected client no longer has one.
import type { EventEmitter } from "node:events";
import type pg from "pg";
import { GuardedSocket } from "./wire-guard.ts";

/** The pg minor version (major.minor) whose lib/client.js and lib/connection.js this module was checked against. */
export const PG_CHECKED = "8.23";

/** pg.Client's own fields that @types/pg leaves out: set from BackendKeyData and ReadyForQuery. */
interface ClientFields {
  processID: number | null;
  secretKey: number | null;
  readyForQuery: boolean;
}

/**
 * pg.Connection's methods as lib/connection.js has them (one argument each, `rows` a number), which
 * @types/pg declares otherwise, and sendCopyFail, which it leaves out.
 */
export interface ProtocolWriter {
  parse(query: { text: string }): void;
  bind(config: { portal: string; values: unknown[] }): void;
  describe(message: { type: "P"; name: string }): void;
  execute(config: { portal: string; rows: number }): void;
  sync(): void;
  sendCopyFail(message: string): void;
}

const fieldsOf = (client: pg.Client) => client as pg.Client & ClientFields;

/** What a CancelRequest needs: where the server is, and the backend's key. */
export interface BackendKey {
  host: string;
  port: number;
  processID: number;
  secretKey: number;
}

/** The connection's protocol messages as events (`readyForQuery`, `parameterStatus`). */
export function wireOf(client: pg.Client): EventEmitter {
  return client.connection;
}

/** The connection as a submittable writes to it, for statements pg's own Query can't send (capped-query.ts). */
export function protocolOf(connection: pg.Connection): ProtocolWriter {
  return connection as unknown as ProtocolWriter;
}

export function backendKey(client: pg.Client): BackendKey | undefined {
  const { processID, secretKey } = fieldsOf(client);
  if (processID === null || processID === undefined || secretKey === null || secretKey === undefined) return undefined;
  return { host: client.host, port: client.port, processID, secretKey };
}

/** False from the moment a statement is sent until the server's ReadyForQuery for it has been read. */
export function isReadyForQuery(client: pg.Client): boolean {
  return fieldsOf(client).readyForQuery;
}

/** The guarded socket under a client, when it has one (see wire-guard.ts). */
export function guardOf(client: pg.Client): GuardedSocket | undefined {
  const stream = client.connection.stream;
  return stream instanceof GuardedSocket ? stream : undefined;
}

/** Drops the connection at once: pg then fails what runs on it with an error, as if the server had gone. */
export function dropConnection(client: pg.Client): void {
  client.connection.stream.destroy();
}
