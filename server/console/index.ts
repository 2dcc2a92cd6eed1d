// The psql console's server side: WebSocket sessions, one PostgreSQL connection each. (Being built.)
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Lab } from "../lab/lab.ts";

export interface ConsoleOptions {
  lab: Lab;
  token: string;
  port: () => number;
  statementTimeoutMs: number;
}

export function createConsole(_options: ConsoleOptions) {
  return {
    upgrade(_req: IncomingMessage, socket: Duplex, _head: Buffer) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
    },
    async close() {},
  };
}
