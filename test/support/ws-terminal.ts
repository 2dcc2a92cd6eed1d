// A console terminal as a test drives it over the WebSocket: lines in, psql's output, the lines other terminals of
// a shared session sent (echo) and the prompts out; or the HTTP status that refused the upgrade.
import WebSocket from "ws";
import type { ServerMessage } from "../../shared/console-protocol.ts";

export class WsTerminal {
  /** Everything shown: output, and each echoed line as `>> line`. */
  shown = "";
  readies = 0;
  /** How many other terminals share this one's session, as last told (only the session's owner is told). */
  guests: number | undefined;
  closed: { code: number; reason: string } | undefined;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === "output") this.shown += message.text;
      if (message.type === "echo") this.shown += `>> ${message.text}\n`;
      if (message.type === "ready") this.readies++;
      if (message.type === "guests") this.guests = message.count;
      this.wake();
    });
    socket.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  /** Opens a terminal at `url` and waits for its first prompt; rejects with the refusal's status and body. */
  static open(url: string, headers: Record<string, string>): Promise<WsTerminal> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      const terminal = new WsTerminal(socket);
      socket.on("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => reject(new Refused(res.statusCode ?? 0, body)));
      });
      socket.on("error", reject);
      terminal.until(() => terminal.readies > 0, 20_000).then(() => resolve(terminal), reject);
    });
  }

  async until(done: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`the terminal waited in vain; it shows:\n${this.shown}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  /** Sends a line and waits until `expected` shows (it may be another terminal's line that runs first). */
  async type(line: string, expected: RegExp): Promise<void> {
    this.socket.send(JSON.stringify({ type: "line", text: line }));
    await this.until(() => expected.test(this.shown));
  }

  close(): void {
    this.socket.close();
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** An upgrade the server answered with an HTTP error instead. */
export class Refused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`refused ${status}: ${body}`);
  }
}

/** The status that refused opening a terminal, or "opened" (and it is closed again). */
export async function openOutcome(url: string, headers: Record<string, string>): Promise<number | "opened"> {
  try {
    (await WsTerminal.open(url, headers)).close();
    return "opened";
  } catch (error) {
    if (error instanceof Refused) return error.status;
    throw error;
  }
}
