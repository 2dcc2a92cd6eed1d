// Starts the hub: its database, its secrets, the provider, and an HTTP (or HTTPS) server on the address given.
// `npm run workshop` (main.ts) and the tests start it the same way.
import fs from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { CliError } from "../errors.ts";
import { createHub } from "./hub.ts";
import type { LabProvider } from "./provider.ts";
import { hubFolders } from "./store/database.ts";
import { HubStore } from "./store/store.ts";
import { HubSecrets } from "./tokens.ts";
import { publicAddress, type PublicAddress } from "./web-security.ts";

export interface ServeOptions {
  workshopDir: string;
  provider: LabProvider;
  /** Address and port to listen on: "0.0.0.0:4321", "192.168.1.20:8080", "127.0.0.1:0" (tests). */
  listenAddress: string;
  port: number;
  publicHosts: string[];
  tls?: { certFile: string; keyFile: string } | undefined;
  siteDir: string;
  statementTimeoutMs: number;
  rowLimit: number;
  keepAliveMs?: number;
  /** At most this many load runs at once across every lab; 2 when not given. */
  loadSlots?: number;
  /** A lab without a call for this long is parked; 30 minutes when not given, 0 never. */
  idleMs?: number;
  /** The instructor's passphrase; a new one when not given. */
  passphrase?: string | undefined;
  /** How long the join code made at start is valid. */
  joinCodeMinutes: number;
  note: (text: string) => void;
}

export interface RunningHub {
  address: PublicAddress;
  port: number;
  passphrase: string;
  joinCode: string;
  joinUrl: string;
  instructorUrl: string;
  store: HubStore;
  close: () => Promise<void>;
}

export async function serveHub(options: ServeOptions): Promise<RunningHub> {
  const store = await HubStore.open(options.workshopDir, options.note);
  const closers: (() => Promise<void>)[] = [() => store.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
  };
  try {
    const secrets = await HubSecrets.open(hubFolders(options.workshopDir).secrets, options.note);
    const passphrase = await secrets.setPassphrase(options.passphrase);
    await options.provider.start(await store.assignedLabs());
    closers.push(() => options.provider.stop());
    const tls = options.tls
      ? { cert: await readPem(options.tls.certFile, "certificate"), key: await readPem(options.tls.keyFile, "key") }
      : undefined;
    let hub: ReturnType<typeof createHub> | undefined;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => hub!.handler(req, res);
    const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
    server.on("upgrade", (req, socket, head) => hub!.upgrade(req, socket, head));
    const port = await listenOn(server, options.listenAddress, options.port);
    closers.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const address = publicAddress({
      publicHosts: options.publicHosts,
      listenAddress: options.listenAddress,
      port,
      tls: Boolean(tls),
    });
    hub = createHub({ ...options, store, secrets, address });
    closers.push(hub.close);
    const code = await hub.makeJoinCode(options.joinCodeMinutes);
    return {
      address,
      port,
      passphrase,
      joinCode: code.code,
      joinUrl: `${address.baseUrl}/join?code=${code.code}`,
      instructorUrl: `${address.baseUrl}/instructor`,
      store,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function readPem(file: string, what: string): Promise<Buffer> {
  return fs.readFile(path.resolve(file)).catch((error: Error) => {
    throw new CliError(`Could not read the TLS ${what} ${file}: ${error.message}`, 2);
  });
}

function listenOn(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new CliError(`Port ${port} on ${host} is in use by another program: pick another with --listen.`, 2)
          : error.code === "EADDRNOTAVAIL"
            ? new CliError(`${host} is not an address of this machine: pick one of its addresses with --listen.`, 2)
            : error,
      ),
    );
    server.listen(port, host, () => {
      server.removeAllListeners("error");
      server.on("error", (error) => console.error("hub:", error.message));
      resolve((server.address() as AddressInfo).port);
    });
  });
}
