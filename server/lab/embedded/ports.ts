import net from "node:net";

/** True when nothing listens on 127.0.0.1:port (we bind there, so that's the address that matters). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ port, host: "127.0.0.1", exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** The first free port at or after `from`, skipping those in `taken`. */
export async function nextFreePort(from: number, taken: Set<number>): Promise<number> {
  for (let port = from; port < 65536; port++) {
    if (!taken.has(port) && (await isPortFree(port))) return port;
  }
  throw new Error(`no free port at or above ${from}`);
}
