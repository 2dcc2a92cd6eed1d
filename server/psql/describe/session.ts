import type pg from "pg";
import type { PsqlResult } from "../format.ts";
import { catalog } from "./catalog.ts";

/** One table as psql prints it: the formatter's input. */
export type MetaOutput = PsqlResult;

/** What every describe command needs: the connection, and the server's version as psql's pset.sversion. */
export interface Session {
  client: pg.ClientBase;
  /** server_version_num, e.g. 180004: describe.c picks its catalog queries by it. */
  version: number;
  /** The connected database's name, looked up only when a pattern names a database. */
  database(): Promise<string>;
}

export async function openSession(client: pg.ClientBase): Promise<Session> {
  const { rows } = await catalog(
    client,
    "SELECT pg_catalog.current_setting('server_version_num'), pg_catalog.current_database()",
  );
  const [version, database] = rows[0] ?? [];
  return { client, version: Number(version), database: async () => database ?? "" };
}

/** psql's formatPGVersionNumber(): `9.6` before 10, `18` from 10 on, as its "does not support" errors say. */
export function versionName(version: number): string {
  return version >= 100000
    ? String(Math.floor(version / 10000))
    : `${Math.floor(version / 10000)}.${Math.floor(version / 100) % 100}`;
}
