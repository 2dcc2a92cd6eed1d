import { describe, expect, it } from "vitest";
import { GuardedSocket } from "../../server/db/wire-guard.ts";

/** A backend message: type byte, length (counting itself), body. */
function message(type: string, body: Buffer | string): Buffer {
  const payload = Buffer.from(body);
  const header = Buffer.alloc(5);
  header.write(type, 0);
  header.writeUInt32BE(payload.length + 4, 1);
  return Buffer.concat([header, payload]);
}

/** Feeds the bytes in chunks of `size`, as the network might cut them; returns what got through. */
function feed(socket: GuardedSocket, bytes: Buffer, size: number): Buffer {
  const passed: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => passed.push(chunk));
  for (let at = 0; at < bytes.length; at += size) socket.emit("data", bytes.subarray(at, at + size));
  return Buffer.concat(passed);
}

describe("the socket that keeps oversized messages from pg's parser", () => {
  const small = [message("T", "fields"), message("D", "row one"), message("C", "SELECT 2"), message("Z", "I")];
  const big = message("D", Buffer.alloc(1000, "x"));

  it("lets everything under the limit through unchanged, however the bytes are cut", () => {
    const all = Buffer.concat(small);
    for (const size of [1, 2, 3, 5, 7, all.length]) {
      expect(feed(new GuardedSocket(100), all, size).equals(all), `chunks of ${size}`).toBe(true);
    }
  });

  it("skips a row over the limit, says how large it was, and passes the messages around it", () => {
    const stream = Buffer.concat([small[0]!, small[1]!, big, small[2]!, small[3]!]);
    const expected = Buffer.concat(small);
    for (const size of [1, 4, 6, 64, stream.length]) {
      const socket = new GuardedSocket(100);
      const skipped: number[] = [];
      socket.onSkippedRow = (bytes) => skipped.push(bytes);
      expect(feed(socket, stream, size).equals(expected), `chunks of ${size}`).toBe(true);
      expect(skipped).toEqual([big.length]);
    }
  });

  it("closes the connection on any other message over the limit", () => {
    const socket = new GuardedSocket(100);
    socket.on("error", () => {});
    const passed = feed(socket, Buffer.concat([small[0]!, message("E", Buffer.alloc(500, "e")), small[3]!]), 16);
    expect(passed.equals(small[0]!)).toBe(true);
    expect(socket.tooLarge).toMatchObject({ type: "E", bytes: 505 });
    expect(socket.destroyed).toBe(true);
  });
});
