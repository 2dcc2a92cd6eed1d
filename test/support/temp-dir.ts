import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** A temp folder the postgres user can reach when the tests run as root (mkdtemp makes it 0700). */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  await fs.chmod(dir, 0o755);
  return dir;
}

export async function freeBase(count = 4): Promise<number> {
  const { isPortFree } = await import("../../server/lab/embedded/ports.ts");
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const checks = await Promise.all(Array.from({ length: count }, (_, i) => isPortFree(base + i)));
    if (checks.every(Boolean)) return base;
  }
}
