// THE ONE MODULE THAT READS pg's PRIVATE FIELDS (pg 8.x: Client#connection, #processID, #secretKey,
// #readyForQuery, Connection#stream). pg has no public way to see the server's ReadyForQuery status, the
// backend's key (for a protocol CancelRequest), or the socket under a client; if a pg upgrade moves them,
// this file is what changes.
import type { EventEmitter } from "node:events";
import type pg from "pg";
import { GuardedSocket } from "./wire-guard.ts";

interface ClientInternals {
  connection: EventEmitter & { stream: NodeJS.Socket & { destroy(error?: Error): void } };
  processID: number | null;
  secretKey: number | null;
  readyForQuery: boolean;
  host: string;
  port: number;
}

const internals = (client: pg.ClientBase) => client as unknown as ClientInternals;

/** What a CancelRequest needs: where the server is, and the backend's key. */
export interface BackendKey {
  host: string;
  port: number;
  processID: number;
  secretKey: number;
}

/** The connection's protocol messages as events (`readyForQuery`, `parameterStatus`). */
export function wireOf(client: pg.ClientBase): EventEmitter {
  return internals(client).connection;
}

export function backendKey(client: pg.ClientBase): BackendKey | undefined {
  const { processID, secretKey, host, port } = internals(client);
  if (processID === null || processID === undefined || secretKey === null || secretKey === undefined) return undefined;
  return { host, port, processID, secretKey };
}

export function isReadyForQuery(client: pg.ClientBase): boolean {
  return internals(client).readyForQuery;
}

/** The guarded socket under a client, when it has one (see wire-guard.ts). */
export function guardOf(client: pg.ClientBase): GuardedSocket | undefined {
  const stream = internals(client).connection.stream;
  return stream instanceof GuardedSocket ? stream : undefined;
}

/** Drops the connection at once: pg then fails what runs on it with an error, as if the server had gone. */
export function dropConnection(client: pg.ClientBase): void {
  internals(client).connection.stream.destroy();
}
