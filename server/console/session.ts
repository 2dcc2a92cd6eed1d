// One console session: a WebSocket and the psql behind it. Lines run one at a time, in the order they
// came; Ctrl+C goes straight through; when the socket goes, so does the connection to PostgreSQL. While an
// instructor helps, more sockets attach to it (audience.ts): they see what the owner sees and may type, and
// the session still ends with its owner's socket.
import { WebSocket, type RawData } from "ws";
import type { NodeName } from "../../shared/api-types.ts";
import type { ClientMessage, ServerMessage } from "../../shared/console-protocol.ts";
import { clientMessageSchema } from "../../shared/console-schemas.ts";
import { describeIssues, expectedInWords } from "../../shared/schema-errors.ts";
import { oneLine } from "../errors.ts";
import { Audience } from "./audience.ts";
import { Psql, type PsqlOptions } from "./psql.ts";

/** Lines waiting while one runs. A paste is a few hundred; more is not a person at a keyboard. */
const MAX_WAITING_LINES = 5000;

export class ConsoleSession {
  private readonly psql: Psql;
  private readonly waiting: string[] = [];
  private busy = true;
  private readonly audience: Audience;
  /** Settles once the socket has closed and the session's connection has ended. */
  readonly closed: Promise<void>;

  constructor(
    private readonly socket: WebSocket,
    node: NodeName,
    options: Omit<PsqlOptions, "write">,
  ) {
    this.audience = new Audience(socket);
    this.psql = new Psql(node, { ...options, write: (text) => this.send({ type: "output", text }) });
    this.listen(socket);
    this.closed = new Promise((resolve) =>
      socket.once("close", () => {
        this.audience.release("The attendee's session ended.");
        void this.psql.close().then(resolve, resolve);
      }),
    );
    void this.guard(async () => {
      await this.psql.start();
      this.busy = false;
      await this.ready();
      await this.drain();
    });
  }

  /** Ends the session from the bridge's side (the lab is stopping). */
  async close(): Promise<void> {
    this.socket.terminate();
    await this.closed;
  }

  /**
   * Attaches another terminal (the instructor's) that sees the session's output and may type into it; it gets
   * the prompt at once when the session waits for a line. The owner's socket closing closes it too.
   */
  attach(guest: WebSocket): void {
    if (!this.audience.open) return void guest.close(1011, "the session ended");
    this.audience.add(guest);
    this.listen(guest);
    if (!this.busy) void this.guard(async () => this.audience.sendTo(guest, await this.readyMessage()));
  }

  private listen(socket: WebSocket): void {
    socket.on("message", (data, isBinary) => this.receive(socket, data, isBinary));
    // ws reports a broken socket here, then closes it.
    socket.on("error", () => {});
  }

  private receive(from: WebSocket, data: RawData, isBinary: boolean): void {
    const message = parse(data, isBinary);
    if (typeof message === "string") {
      return this.send({ type: "output", text: `psql: error: the console got a message it can't read: ${message}\n` });
    }
    if (message.type === "cancel") {
      this.waiting.length = 0;
      const idle = !this.busy;
      void this.guard(async () => {
        await this.psql.cancel();
        if (idle) await this.ready();
      });
      return;
    }
    const lines = message.text.split(/\r?\n/);
    if (this.waiting.length + lines.length > MAX_WAITING_LINES) {
      return this.send({
        type: "output",
        text: `psql: error: more than ${MAX_WAITING_LINES} lines are waiting; these were dropped\n`,
      });
    }
    // The width of the terminal that sent the line: the one whose learner waits for its output.
    if (message.columns !== undefined) this.psql.display.columns = message.columns;
    this.audience.echo(from, message.text);
    this.waiting.push(...lines);
    void this.guard(() => this.drain());
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.waiting.length > 0 && this.audience.open) {
        if ((await this.psql.line(this.waiting.shift()!)) === "quit") {
          this.send({ type: "bye" });
          this.socket.close(1000, "\\q");
          return;
        }
        await this.ready();
      }
    } finally {
      this.busy = false;
    }
  }

  /** A fault of the console must not take the bridge down: the session reports it and goes on. */
  private async guard(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      console.error(`console: ${oneLine(error)}`);
      this.send({ type: "output", text: "psql: error: the console failed; see the terminal running npm start\n" });
      this.busy = false;
      await this.ready().catch(() => {});
    }
  }

  private async ready(): Promise<void> {
    this.send(await this.readyMessage());
  }

  private async readyMessage(): Promise<ServerMessage> {
    return { type: "ready", prompt: await this.psql.prompt() };
  }

  private send(message: ServerMessage): void {
    this.audience.send(message);
  }
}

/** The message, or what is wrong with it in words (the page sends only what the schema allows). */
function parse(data: RawData, isBinary: boolean): ClientMessage | string {
  if (isBinary) return "expected a text message, got a binary one";
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch {
    return "expected JSON";
  }
  const result = clientMessageSchema.safeParse(value, { error: expectedInWords });
  return result.success ? result.data : describeIssues(result.error);
}
