// A node's server log is a file PostgreSQL writes itself: its stderr is a descriptor of that file, opened
// for appending, so the server never waits on the bridge to drain a pipe (a busy or stopped bridge can't
// stall its logging), and the log outlives the bridge. The bridge reads what was added, to know when the
// server is ready and to say why it failed.
import fs from "node:fs/promises";

/** How much of what was added the bridge reads at a time: the end of it is what tells. */
const READ_AT_MOST = 64 * 1024;

export class LogFile {
  private constructor(
    readonly file: string,
    private offset: number,
  ) {}

  /** Opens the file for appending; the descriptor is for the server's stderr, to be closed once it started. */
  static async open(file: string): Promise<{ log: LogFile; handle: fs.FileHandle }> {
    const handle = await fs.open(file, "a");
    const { size } = await handle.stat();
    return { log: new LogFile(file, size), handle };
  }

  private reading: Promise<unknown> = Promise.resolve();

  /** What the server wrote since the last call (only the last 64 kB of it, if it wrote more). */
  added(): Promise<string> {
    // One read at a time, so that two callers never get the same lines.
    const next = this.reading.then(() => this.read());
    this.reading = next.catch(() => {});
    return next;
  }

  private async read(): Promise<string> {
    const handle = await fs.open(this.file, "r").catch(() => null);
    if (!handle) return "";
    try {
      const { size } = await handle.stat();
      if (size <= this.offset) return "";
      const start = Math.max(this.offset, size - READ_AT_MOST);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      this.offset = size;
      return buffer.toString("utf8");
    } finally {
      await handle.close();
    }
  }
}
