import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bridgeFile, readBridgeFile, writeBridgeFile } from "../../server/bridge-file.ts";

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await fs.rm(folder, { recursive: true, force: true });
});

describe("bridge.json", () => {
  it("holds the token readable by its owner only, even over an older file that others could read", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "bridge-file-"));
    folders.push(dir);
    await fs.writeFile(bridgeFile(dir), "{}\n", { mode: 0o644 });
    await fs.chmod(bridgeFile(dir), 0o644);
    await writeBridgeFile(dir, "http://127.0.0.1:4321", "token-0123456789abcdef");
    expect((await fs.stat(bridgeFile(dir))).mode & 0o777).toBe(0o600);
    expect(await readBridgeFile(dir)).toEqual({
      kind: "running",
      bridge: { url: "http://127.0.0.1:4321", token: "token-0123456789abcdef", pid: process.pid },
    });
    expect(await fs.readdir(dir)).toEqual(["bridge.json"]);
  });
});
