// Which files of a stopped cluster's pg_wal a restore needs. After a clean shutdown, the checkpoint has already
// removed every segment that neither the checkpoint nor a replication slot's restart_lsn needs; what remains
// besides those are segments kept for reuse: old segments renamed to future names (min_wal_size keeps five on a
// node that wrote a lot), or new ones filled with zeros. Neither holds WAL at the position its name says, so no
// reader can ever use it, and PostgreSQL makes new segments as it needs them. Those are the only files left out.
import fs from "node:fs/promises";
import os from "node:os";

/** A WAL segment's name: timeline, then the segment number as two 32-bit halves, in hex. */
const SEGMENT_NAME = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/;

/**
 * The first bytes of a segment are its long page header: xlp_magic (2 bytes), xlp_info (2), xlp_tli (4),
 * xlp_pageaddr (8, the WAL position of this page, in the machine's byte order),
 * then more. A segment holds real WAL exactly when its first page says it sits at the position its name gives.
 */
const HEADER_BYTES = 16;

/**
 * True for a file in pg_wal that holds no WAL at its own position: a recycled or preallocated segment. Anything
 * else, a name that isn't a segment's, a size no segment has, a header that can't be read, is kept.
 */
export async function isSpareSegment(file: string, name: string, size: number): Promise<boolean> {
  const parts = SEGMENT_NAME.exec(name);
  if (!parts || !isSegmentSize(size)) return false;
  const header = await readHeader(file).catch(() => null);
  if (!header) return false;
  const [, , high, low] = parts;
  const position = BigInt(`0x${high}`) * 2n ** 32n + BigInt(`0x${low}`) * BigInt(size);
  // Segment 0 never holds WAL, but a zero header there would look like it does: keep it rather than guess.
  if (position === 0n) return false;
  // The timeline in the header is not compared: the first segment of a new timeline starts with a copy of the
  // old one's pages, which keep the old timeline's number.
  const pageAddress = os.endianness() === "LE" ? header.readBigUInt64LE(8) : header.readBigUInt64BE(8);
  return pageAddress !== position;
}

/** wal_segment_size is a power of two from 1 MB to 1 GB; a file of another size is not judged. */
function isSegmentSize(size: number): boolean {
  return size >= 2 ** 20 && size <= 2 ** 30 && (size & (size - 1)) === 0;
}

async function readHeader(file: string): Promise<Buffer | null> {
  const handle = await fs.open(file, "r");
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
    return bytesRead === HEADER_BYTES ? header : null;
  } finally {
    await handle.close();
  }
}
