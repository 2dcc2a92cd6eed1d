import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { CliError } from "./errors.ts";

/** The bridge only ever listens on loopback: it runs SQL as a superuser for whoever can reach it. */
const BRIDGE_HOST = "127.0.0.1";

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export async function listen(
  handler: Handler,
  port: number,
  upgrade?: UpgradeHandler,
): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  if (upgrade) server.on("upgrade", upgrade);
  server.listen(port, BRIDGE_HOST);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new CliError(`Port ${port} is in use by another program. Start on another one: PORT=${port + 1} npm start`)
          : error,
      ),
    );
  });
  server.on("error", (error) => console.error("bridge:", error.message));
  return { server, port: (server.address() as AddressInfo).port };
}
