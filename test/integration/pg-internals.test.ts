// What server/db/pg-internals.ts takes from pg's private parts, held against the installed pg on real
// connections to the test lab: a pg that renames or drops one of them fails here, not in a learner's cell.
import { EventEmitter } from "node:events";
import net from "node:net";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { sendCancel } from "../../server/db/cancel.ts";
import { runCapped } from "../../server/db/capped-query.ts";
import { MAX_MESSAGE_BYTES } from "../../server/db/limits.ts";
import {
  backendKey,
  dropConnection,
  guardOf,
  isReadyForQuery,
  protocolOf,
  wireOf,
} from "../../server/db/pg-internals.ts";
import { GuardedSocket, guardedStream } from "../../server/db/wire-guard.ts";
import { direct, nodeLogin, waitFor } from "../support/bridge.ts";

const clients: pg.Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.end().catch(() => {});
});

/** A client as the bridge makes them, on the guarded socket, with its wire listened to before it connects. */
async function connected(listen?: (wire: EventEmitter) => void): Promise<pg.Client> {
  const client = new pg.Client({ ...nodeLogin("slave1"), stream: guardedStream(MAX_MESSAGE_BYTES) });
  client.on("error", () => {});
  clients.push(client);
  listen?.(wireOf(client));
  await client.connect();
  return client;
}

describe("pg's private parts the bridge relies on, on a real connection", () => {
  it("the backend's key is the backend's pid and a 32-bit secret, and cancels a running statement", async () => {
    const client = await connected();
    const key = backendKey(client)!;
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    const { port } = nodeLogin("slave1");
    expect(key).toEqual({ host: "127.0.0.1", port, processID: rows[0]!.pid, secretKey: expect.any(Number) });
    expect(Number.isInteger(key.secretKey) && Math.abs(key.secretKey) < 2 ** 32).toBe(true);
    const sleeping = client.query("SELECT pg_sleep(30)").catch((error: pg.DatabaseError) => error);
    const asleep = "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event = 'PgSleep'";
    await waitFor(async () => (await direct("slave1", asleep, [key.processID])).length === 1);
    expect(await sendCancel(key)).toBe(true);
    expect(await sleeping).toMatchObject({ code: "57014" });
  });

  it("readyForQuery is false while a statement runs and true once its ReadyForQuery is read", async () => {
    const client = await connected();
    expect(isReadyForQuery(client)).toBe(true);
    const running = client.query("SELECT pg_sleep(0.2)");
    expect(isReadyForQuery(client)).toBe(false);
    await running;
    expect(isReadyForQuery(client)).toBe(true);
  });

  it("the wire emits ReadyForQuery with the status getTransactionStatus() reports, and ParameterStatus", async () => {
    const statuses: string[] = [];
    const parameters = new Map<string, string>();
    const client = await connected((wire) => {
      wire.on("readyForQuery", (message: { status: string }) => statuses.push(message.status));
      wire.on("parameterStatus", (message: { parameterName: string; parameterValue: string }) => {
        parameters.set(message.parameterName, message.parameterValue);
      });
    });
    expect(parameters.get("is_superuser")).toBe("on");
    expect(parameters.get("server_version")).toMatch(/^18\./);
    const seen: (string | null)[] = [client.getTransactionStatus()];
    await client.query("BEGIN");
    seen.push(client.getTransactionStatus());
    await client.query("SELECT 1/0").catch(() => {});
    await waitFor(async () => isReadyForQuery(client));
    seen.push(client.getTransactionStatus());
    await client.query("ROLLBACK");
    seen.push(client.getTransactionStatus());
    expect(seen).toEqual(["I", "T", "E", "I"]);
    expect(statuses).toEqual(["I", "T", "E", "I"]);
  });

  it("the socket under a client is the guarded one; dropping it ends the connection like a lost server", async () => {
    const client = await connected();
    expect(client.connection.stream).toBeInstanceOf(net.Socket);
    expect(guardOf(client)).toBeInstanceOf(GuardedSocket);
    const pid = backendKey(client)!.processID;
    const ended = new Promise((resolve) => client.once("end", resolve));
    dropConnection(client);
    await ended;
    await expect(client.query("SELECT 1")).rejects.toThrow();
    const backend = "SELECT 1 FROM pg_stat_activity WHERE pid = $1";
    await waitFor(async () => (await direct("slave1", backend, [pid])).length === 0);
  });

  it("a submittable writes to the connection with the methods lib/connection.js has, CopyFail included", async () => {
    const client = await connected();
    const wire = protocolOf(client.connection);
    for (const method of ["parse", "bind", "describe", "execute", "sync", "sendCopyFail"] as const) {
      expect(typeof wire[method], method).toBe("function");
    }
    await client.query("CREATE TEMP TABLE copied (id int)");
    const options = { limit: 3, maxChars: 1000, copyInRefusal: "no COPY data from here" };
    await expect(runCapped(client, "COPY copied FROM STDIN", options).done).rejects.toThrow("no COPY data from here");
    const capped = runCapped(client, "SELECT g FROM generate_series(1, 5) g", options);
    expect(await capped.done).toMatchObject({ rows: [["1"], ["2"], ["3"]], truncated: true });
  });
});
