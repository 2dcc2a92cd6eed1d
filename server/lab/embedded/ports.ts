import net from "node:net";
import { NODE_NAMES, type NodeName } from "../../../shared/api-types.ts";
import type { Config } from "../../config.ts";
import { LabError } from "../../errors.ts";

type Ports = Record<NodeName, number>;

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

/**
 * Remembered ports are kept. If one is taken now, a subscriber moves to the next free port, but master
 * doesn't: the subscriptions hold its address. LAB_PG_PORT chooses new ports for every node, master too;
 * then followMoves re-points the subscriptions.
 */
export async function choosePorts(
  config: Pick<Config, "pgPort" | "pgPortExplicit">,
  saved: Ports | null,
  note: (text: string) => void,
): Promise<Ports> {
  const ports = {} as Ports;
  const taken = new Set<number>();
  const remembered = !config.pgPortExplicit && saved;
  for (const [i, name] of NODE_NAMES.entries()) {
    // Fresh ports follow one another: a node pushed past a taken port pushes the next ones along.
    const previous = i > 0 ? ports[NODE_NAMES[i - 1]!] : undefined;
    const wanted = remembered ? saved[name] : Math.max(config.pgPort + i, (previous ?? 0) + 1);
    let port = wanted;
    if (taken.has(port) || !(await isPortFree(port))) {
      if (remembered && name === "master") {
        throw new LabError(
          `master's port ${wanted} is taken by another program. The subscriptions on the other nodes connect ` +
            `to master there, so the lab won't move it on its own: free port ${wanted}, or choose new ports with ` +
            `LAB_PG_PORT=<port> (the lab then re-points the subscriptions and says so).`,
        );
      }
      port = await nextFreePort(wanted + 1, taken);
      note(`${name}: port ${wanted} is taken, using ${port} instead`);
    }
    ports[name] = port;
    taken.add(port);
  }
  return ports;
}
