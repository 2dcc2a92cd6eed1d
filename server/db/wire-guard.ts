// The socket under every connection the bridge runs learners' SQL on. pg's protocol parser keeps a whole
// message in memory before it hands it on, so one 600 MB value would be buffered whole (and then fail to
// become a string, inside the socket's data handler, where nothing can catch it). This socket reads each
// message's length from its header as the bytes arrive, and never lets a message over the limit reach the
// parser: a row (DataRow, or COPY's CopyData) is skipped as it streams past, and whoever runs the statement is
// told; any other message that large (an error quoting a huge value) closes the connection instead.
import net from "node:net";

/** Every message starts with a type byte and a 4-byte length that counts itself but not the type byte. */
const HEADER = 5;
const DATA_ROW = 0x44; // 'D'
const COPY_DATA = 0x64; // 'd'

export class MessageTooLarge extends Error {
  constructor(
    readonly type: string,
    readonly bytes: number,
  ) {
    super(`the server sent a message of ${bytes} bytes, more than the bridge accepts`);
    this.name = "MessageTooLarge";
  }
}

export class GuardedSocket extends net.Socket {
  /** Told of each row skipped for its size, with that size in bytes. */
  onSkippedRow: ((bytes: number) => void) | undefined;
  /** Why the socket was closed, when a message other than a row was too large. */
  tooLarge: MessageTooLarge | undefined;
  /** Bytes of the current message still to come (counting from its type byte). */
  private remaining = 0;
  private skipping = false;
  /** The start of a header cut by a chunk boundary, held back until the rest arrives. */
  private partial: Buffer = Buffer.alloc(0);

  constructor(private readonly maxMessageBytes: number) {
    super();
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== "data" || this.tooLarge) return event === "data" ? false : super.emit(event, ...args);
    this.meter(args[0] as Buffer);
    return true;
  }

  private meter(chunk: Buffer): void {
    const data = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
    this.partial = Buffer.alloc(0);
    let position = 0;
    let passFrom: number | null = this.skipping ? null : 0;
    const pass = (end: number) => {
      if (passFrom !== null && end > passFrom) super.emit("data", data.subarray(passFrom, end));
      passFrom = null;
    };
    while (position < data.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, data.length - position);
        position += take;
        this.remaining -= take;
        if (this.remaining === 0 && this.skipping) {
          this.skipping = false;
          passFrom = position;
        }
        continue;
      }
      if (data.length - position < HEADER) {
        pass(position);
        this.partial = Buffer.from(data.subarray(position));
        return;
      }
      const type = data[position]!;
      const bytes = 1 + data.readUInt32BE(position + 1);
      if (bytes > this.maxMessageBytes) {
        pass(position);
        if (type !== DATA_ROW && type !== COPY_DATA) {
          this.tooLarge = new MessageTooLarge(String.fromCharCode(type), bytes);
          this.destroy(this.tooLarge);
          return;
        }
        this.skipping = true;
        this.onSkippedRow?.(bytes);
      }
      this.remaining = bytes;
    }
    pass(data.length);
  }
}

/** pg's `stream` option: a guarded socket, except under TLS, whose bytes this socket can't read. */
export function guardedStream(maxMessageBytes: number): (config?: { ssl?: unknown }) => net.Socket {
  return (config) => (config?.ssl ? new net.Socket() : new GuardedSocket(maxMessageBytes));
}
