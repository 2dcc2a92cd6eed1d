// A connection the server ends in the same read that finishes its start-up: pg-pool hands the new client over
// (removing its own error listener) while pg is still parsing that read, so the FATAL that follows is emitted
// before the code that awaited pool.connect() can listen. Seen once in a full test run as the bridge dying with
// "Unhandled 'error' event" (57P01, a node stopping). A proxy in front of a real node makes it happen every time:
// it appends a FATAL ErrorResponse to the server's chunk that carries ReadyForQuery.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodePools } from "../../server/db/pools.ts";
import type { Lab } from "../../server/lab/lab.ts";
import { nodeLogin } from "../support/bridge.ts";

/** A backend ErrorResponse: severity FATAL, SQLSTATE 57P01, as a server shutting down sends it. */
function fatal(): Buffer {
  const fields = Buffer.concat(
    [
      ["S", "FATAL"],
      ["V", "FATAL"],
      ["C", "57P01"],
      ["M", "terminating connection due to administrator command"],
    ].map(([type, text]) => Buffer.concat([Buffer.from(type!), Buffer.from(`${text}\0`)])),
  );
  const body = Buffer.concat([fields, Buffer.from([0])]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([Buffer.from("E"), length, body]);
}

/** Whether a chunk from the server holds a ReadyForQuery message ('Z', length 5, status byte). */
function hasReadyForQuery(chunk: Buffer): boolean {
  for (let i = 0; i + 5 < chunk.length; i++) {
    if (chunk[i] === 0x5a && chunk.readInt32BE(i + 1) === 5 && [0x49, 0x54, 0x45].includes(chunk[i + 5]!)) return true;
  }
  return false;
}

let proxy: net.Server;
let port = 0;

beforeAll(async () => {
  const target = nodeLogin("master");
  proxy = net.createServer((client) => {
    const server = net.connect(target.port, target.host);
    let done = false;
    client.on("data", (chunk) => server.write(chunk));
    server.on("data", (chunk: Buffer) => {
      if (done) return;
      if (hasReadyForQuery(chunk)) {
        done = true;
        client.end(Buffer.concat([chunk, fatal()]));
        server.destroy();
        return;
      }
      client.write(chunk);
    });
    for (const socket of [client, server]) socket.on("error", () => {});
    client.on("close", () => server.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  port = (proxy.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => proxy.close(resolve));
});

describe("a connection ended in the read that completes its start-up", () => {
  it("does not crash the process: the pool's client has a listener from its first moment", async () => {
    const login = nodeLogin("master");
    const lab = { cellEndpoint: () => ({ ...login, port }) } as unknown as Lab;
    const pools = new NodePools(lab, { statementTimeoutMs: 5000, max: 2 });
    const unhandled: unknown[] = [];
    const onUncaught = (error: unknown) => unhandled.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      const client = await pools.get("master").connect();
      // The connection is gone; using it fails as a query error, which the cell code reports.
      await expect(client.query("SELECT 1")).rejects.toThrow();
      client.release(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("uncaughtException", onUncaught);
      await pools.end();
    }
  });
});
