// The psql console's server side: a WebSocket per terminal at /api/console, checked before the upgrade,
// each with its own PostgreSQL connection (server/console/session.ts); a session opened with `&help=ID` is
// shared under that id (shared.ts), for the workshop hub to attach an instructor's terminal to.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { MAX_MESSAGE_BYTES } from "../../shared/console-protocol.ts";
import { HttpError } from "../errors.ts";
import type { Lab } from "../lab/lab.ts";
import type { AccessPolicy } from "../security.ts";
import { checkHandshake, refuse } from "./handshake.ts";
import { ConsoleSession } from "./session.ts";
import { SharedSessions } from "./shared.ts";

export interface ConsoleOptions {
  lab: Lab;
  /** The same checks as the API's: Host, Origin, then the token (or, in workshop mode, the session). */
  policy: AccessPolicy;
  statementTimeoutMs: number;
  /** Rows printed per result at most (the bridge's LAB_ROW_LIMIT); 1000 when not given. */
  rowLimit?: number;
}

/** Each session holds a connection to a node; this keeps a forgotten tab from using up max_connections. */
const MAX_SESSIONS = 32;

export function createConsole(options: ConsoleOptions) {
  const { lab, statementTimeoutMs, rowLimit = 1000 } = options;
  const server = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const sessions = new Set<ConsoleSession>();
  const shared = new SharedSessions();
  return {
    shared,
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      socket.on("error", () => {});
      const asked = checkHandshake(req, options.policy);
      if (asked instanceof HttpError) return refuse(socket, asked);
      server.handleUpgrade(req, socket, head, (ws) => {
        if (sessions.size >= MAX_SESSIONS) {
          const text =
            `psql: error: the lab already has ${MAX_SESSIONS} console sessions open; close a terminal and try ` +
            `again\n`;
          ws.send(JSON.stringify({ type: "output", text }));
          ws.close(1013, "too many console sessions");
          return;
        }
        const session = new ConsoleSession(ws, asked.node, { lab, statementTimeoutMs, rowLimit });
        sessions.add(session);
        if (asked.help !== undefined) shared.share(asked.help, session);
        void session.closed.then(() => sessions.delete(session));
      });
    },
    async close() {
      await Promise.all([...sessions].map((session) => session.close()));
      server.close();
    },
  };
}
