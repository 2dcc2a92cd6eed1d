// Who a console session talks to: the socket that opened it (its owner) and, while an instructor helps, the
// sockets attached to it since (its guests). Every message goes to all of them, and a line one of them typed
// is shown to the others, so that each terminal reads as if all had typed there.
import { WebSocket } from "ws";
import { GUEST_CLOSED, type ServerMessage } from "../../shared/console-protocol.ts";

export class Audience {
  private readonly guests = new Set<WebSocket>();

  constructor(readonly owner: WebSocket) {}

  get open(): boolean {
    return this.owner.readyState === WebSocket.OPEN;
  }

  /** A guest from now on, until its socket closes or `release` closes it; the owner is told how many there are. */
  add(guest: WebSocket): void {
    this.guests.add(guest);
    this.tellOwner();
    guest.once("close", () => {
      if (this.guests.delete(guest)) this.tellOwner();
    });
  }

  private tellOwner(): void {
    this.sendTo(this.owner, { type: "guests", count: this.guests.size });
  }

  send(message: ServerMessage): void {
    const json = JSON.stringify(message);
    for (const socket of [this.owner, ...this.guests]) {
      if (socket.readyState === WebSocket.OPEN) socket.send(json);
    }
  }

  sendTo(socket: WebSocket, message: ServerMessage): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  /** To everyone but `from`: a line it typed, which its own terminal has shown already. */
  echo(from: WebSocket, text: string): void {
    const json = JSON.stringify({ type: "echo", text } satisfies ServerMessage);
    for (const socket of [this.owner, ...this.guests]) {
      if (socket !== from && socket.readyState === WebSocket.OPEN) socket.send(json);
    }
  }

  /** Closes every guest's socket: the session ended, or the help did. */
  release(reason: string): void {
    for (const guest of this.guests) guest.close(GUEST_CLOSED, reason);
    if (this.guests.size > 0) {
      this.guests.clear();
      this.tellOwner();
    }
  }
}
