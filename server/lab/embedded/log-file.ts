// A node's server log is a file PostgreSQL writes itself: its stderr is a descriptor of that file, opened
// for appending, so the server never waits on the bridge to drain a pipe (a busy or stopped bridge can't
// stall its logging), and the log outlives the bridge. The bridge reads what was added, to know when the
// server is ready and to say why it failed.
//
// A server log can hold statements with passwords in them (an error quotes the statement that failed, e.g.
// a CREATE SUBSCRIPTION with its connection string), so the logs are the lab owner's alone: the folder is
// mode 700 and each file 600, owned by the bridge's user. The servers need no access of their own: they
// write to the descriptor the bridge opened for them.
import fs from "node:fs/promises";
import path from "node:path";

/** How much of what was added the bridge reads at a time: the end of it is what tells. */
const READ_AT_MOST = 64 * 1024;

export class LogFile {
  private constructor(
    readonly file: string,
    private offset: number,
  ) {}

  /** Opens the file for appending; the descriptor is for the server's stderr, to be closed once it started. */
  static async open(file: string): Promise<{ log: LogFile; handle: fs.FileHandle }> {
    const handle = await fs.open(file, "a", 0o600);
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

/**
 * Makes the logs folder, or makes an existing one and its files readable by the lab's owner only (labs made
 * before left them readable by everyone), and says so when it changed anything.
 */
export async function privateLogs(dir: string, note: (text: string) => void): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  let opened = 0;
  if (((await fs.stat(dir)).mode & 0o077) !== 0) {
    await fs.chmod(dir, 0o700);
    opened++;
  }
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(dir, entry.name);
    if (((await fs.stat(file)).mode & 0o077) === 0) continue;
    await fs.chmod(file, 0o600);
    opened++;
  }
  if (opened > 0) note(`the server logs in ${dir} could be read by other users; they are now readable by you only`);
}

/** The last lines of a server log (what postgres printed), optionally only those matching `match`. */
export async function logTail(file: string, lines: number, match?: { test(line: string): boolean }): Promise<string[]> {
  const handle = await fs.open(file, "r").catch(() => null);
  if (!handle) return [];
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 256 * 1024);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const all = buffer
      .toString("utf8")
      .split("\n")
      .slice(size > length ? 1 : 0)
      .filter((line) => line.trim() !== "");
    return (match ? all.filter((line) => match.test(line)) : all).slice(-lines);
  } finally {
    await handle.close();
  }
}
