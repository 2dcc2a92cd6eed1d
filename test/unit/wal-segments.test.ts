// Which files of pg_wal a snapshot leaves out: only segments that hold no WAL at the position their name says.
// The segments here are made by hand with the header PostgreSQL writes; the lesson-start integration test
// checks the same on a real cluster (a restored lab whose slots still decode).
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isSpareSegment } from "../../server/lesson-start/wal-segments.ts";

const SEGMENT = 16 * 1024 * 1024;
const dir = await fs.mkdtemp(path.join(os.tmpdir(), "wal-segments-"));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

/** A segment file whose first page header says it sits at `pageAddress` (0 for a zero-filled one). */
async function segment(name: string, pageAddress: bigint, size = SEGMENT): Promise<string> {
  const header = Buffer.alloc(40);
  if (pageAddress !== 0n) {
    header.writeUInt16LE(0xd118, 0);
    header.writeUInt32LE(1, 4);
    header.writeBigUInt64LE(pageAddress, 8);
  }
  const file = path.join(dir, name);
  await fs.writeFile(file, header);
  await fs.truncate(file, size);
  return file;
}

const spare = (file: string, size = SEGMENT) => isSpareSegment(file, path.basename(file), size);

describe("the WAL segments a snapshot leaves out", () => {
  it("keeps a segment that holds WAL where its name says, on any timeline and past the first 4 GB", async () => {
    expect(await spare(await segment("00000001000000000000000E", 0x0e000000n))).toBe(false);
    expect(await spare(await segment("000000020000000100000003", 0x1_03000000n))).toBe(false);
  });

  it(
    "leaves out a recycled segment (old WAL renamed to a future name) " + "and a zero-filled preallocated one",
    async () => {
      expect(await spare(await segment("000000010000000000000013", 0x0a000000n))).toBe(true);
      expect(await spare(await segment("000000010000000000000014", 0n))).toBe(true);
    },
  );

  it("keeps what it can't judge: other files, a size no segment has, segment 0", async () => {
    expect(await spare(await segment("00000001.history", 0n, 100), 100)).toBe(false);
    expect(await spare(await segment("000000010000000000000015", 0n, 5000), 5000)).toBe(false);
    expect(await spare(await segment("000000010000000000000000", 0n))).toBe(false);
  });
});
