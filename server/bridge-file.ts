import fs from "node:fs/promises";
import path from "node:path";

/**
 * Where a running lab leaves its address and token, readable by this user only, so that `npm run load` can
 * find it. It goes when the lab stops.
 */
export function bridgeFile(dataDir: string): string {
  return path.join(dataDir, "bridge.json");
}

export async function writeBridgeFile(dataDir: string, url: string, token: string): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(bridgeFile(dataDir), `${JSON.stringify({ url, token, pid: process.pid })}\n`, { mode: 0o600 });
}

export async function removeBridgeFile(dataDir: string): Promise<void> {
  await fs.rm(bridgeFile(dataDir), { force: true });
}
