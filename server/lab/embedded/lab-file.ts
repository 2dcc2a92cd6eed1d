// <dataDir>/lab.json: what the embedded lab remembers between starts. Today, the ports of the last start that
// completed, which are where the subscriptions point (a master that moved port would silently break them).
import fs from "node:fs/promises";
import path from "node:path";
import { NODE_NAMES, type NodeName } from "../../../shared/nodes.ts";

export type Ports = Record<NodeName, number>;

interface LabFile {
  ports: Ports;
}

const labFile = (dataDir: string) => path.join(dataDir, "lab.json");

/** The ports lab.json holds, or null when it is missing, unreadable or lacks a node. */
export async function rememberedPorts(dataDir: string): Promise<Ports | null> {
  const saved = await fs
    .readFile(labFile(dataDir), "utf8")
    .then((text) => JSON.parse(text) as LabFile)
    .catch(() => null);
  return saved?.ports && NODE_NAMES.every((name) => Number.isInteger(saved.ports[name])) ? saved.ports : null;
}

export async function rememberPorts(dataDir: string, ports: Ports): Promise<void> {
  await fs.writeFile(labFile(dataDir), `${JSON.stringify({ ports } satisfies LabFile, null, 2)}\n`);
}
