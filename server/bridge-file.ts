import fs from "node:fs/promises";
import path from "node:path";

/**
 * Where a running lab leaves its address and token, readable by this user only, so that `npm run load` can
 * find it. It goes when the lab stops; a lab killed with SIGKILL leaves it behind, so readers check that the
 * process that wrote it still runs (see readBridgeFile).
 */
export function bridgeFile(dataDir: string): string {
  return path.join(dataDir, "bridge.json");
}

export interface BridgeFile {
  url: string;
  token: string;
  pid: number;
}

/** What bridge.json says, and whether the bridge that wrote it is still running. */
export type BridgeFileState =
  { kind: "missing" } | { kind: "running"; bridge: BridgeFile } | { kind: "stale"; bridge: BridgeFile };

export async function writeBridgeFile(dataDir: string, url: string, token: string): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true });
  const content: BridgeFile = { url, token, pid: process.pid };
  // A new file, made 600, then renamed over the old one: writing into an existing bridge.json would keep its
  // mode (one left readable by others), and anyone who had it open would read the new token through it.
  const file = bridgeFile(dataDir);
  const fresh = `${file}.${process.pid}.tmp`;
  await fs.rm(fresh, { force: true });
  await fs.writeFile(fresh, `${JSON.stringify(content)}\n`, { flag: "wx", mode: 0o600 });
  await fs.rename(fresh, file);
}

export async function readBridgeFile(dataDir: string): Promise<BridgeFileState> {
  const text = await fs.readFile(bridgeFile(dataDir), "utf8").catch(() => null);
  let bridge: BridgeFile;
  try {
    bridge = JSON.parse(text ?? "") as BridgeFile;
  } catch {
    return { kind: "missing" };
  }
  return { kind: Number.isInteger(bridge.pid) && isRunning(bridge.pid) ? "running" : "stale", bridge };
}

export async function removeBridgeFile(dataDir: string): Promise<void> {
  await fs.rm(bridgeFile(dataDir), { force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
