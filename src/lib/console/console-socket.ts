// The page's end of a console session: a WebSocket to the bridge that comes back after a drop (the
// bridge restarting, a laptop waking up), with a growing wait, until the page ends it.
import type { NodeName } from "../../../shared/api-types.ts";
import {
  CONSOLE_PATH,
  GUEST_CLOSED,
  type ClientMessage,
  type ServerMessage,
} from "../../../shared/console-protocol.ts";

/** Where a session's WebSocket goes, path and query, for the node it is on at each attempt. */
export type ConsoleAddress = (node: NodeName) => string;

/** The lab's console with the page's token; `help` shares the session under a help request's id (workshop mode). */
export function labConsole(token: string, help?: string): ConsoleAddress {
  const shared = help === undefined ? "" : `&help=${encodeURIComponent(help)}`;
  return (node) => `${CONSOLE_PATH}?token=${encodeURIComponent(token)}&node=${encodeURIComponent(node)}${shared}`;
}

export interface SocketEvents {
  message(message: ServerMessage): void;
  /** The socket dropped without the session ending; another attempt follows in `retryMs`. */
  dropped(retryMs: number): void;
  /** A shared session this terminal was attached to ended, or the help did: no attempt follows. */
  left(reason: string): void;
}

export class ConsoleSocket {
  private socket: WebSocket | null = null;
  private retryMs = 1000;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ended = false;

  /** `where` gives the address at each attempt: a reconnect goes to the node the session was on. */
  constructor(
    private readonly where: () => string,
    private readonly events: SocketEvents,
  ) {}

  connect(): void {
    this.ended = false;
    clearTimeout(this.timer);
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}${this.where()}`);
    this.socket = socket;
    let ended = false;
    socket.onmessage = (event) => {
      this.retryMs = 1000;
      const message = JSON.parse(String(event.data)) as ServerMessage;
      if (message.type === "bye") ended = true;
      this.events.message(message);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (ended || this.ended) return;
      if (event.code === GUEST_CLOSED) {
        this.ended = true;
        return this.events.left(event.reason);
      }
      this.events.dropped(this.retryMs);
      this.timer = setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 15_000);
    };
  }

  get open(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  send(message: ClientMessage): boolean {
    if (!this.open) return false;
    this.socket!.send(JSON.stringify(message));
    return true;
  }

  /** Ends the session for good: the bridge ends its connection to PostgreSQL. */
  close(): void {
    this.ended = true;
    clearTimeout(this.timer);
    this.socket?.close();
    this.socket = null;
  }
}
