// server/start-lab.ts, the one start-up of the lab and the bridge that npm start, the test run, the benchmarks and
// npm run record share: what it stops when a start fails, and that its stop ends live feeds rather than hang.
import fs from "node:fs/promises";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { NODE_NAMES } from "../../shared/api-types.ts";
import { loadConfig } from "../../server/config.ts";
import { CliError } from "../../server/errors.ts";
import { isPortFree } from "../../server/lab/embedded/ports.ts";
import { startLab } from "../../server/start-lab.ts";
import { nodeUrl } from "../support/bridge.ts";
import { freeBase, tempDir } from "../support/temp-dir.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function folder(): Promise<string> {
  const dir = await tempDir("start-lab");
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A port that another program holds for the length of the test. */
async function takenPort(): Promise<number> {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => holder.close(resolve)));
  return (holder.address() as net.AddressInfo).port;
}

describe("startLab", () => {
  it("stops the four servers it started when the bridge's port is taken", async () => {
    const base = await freeBase();
    const port = await takenPort();
    const config = loadConfig({ LAB_DATA_DIR: await folder(), LAB_PG_PORT: String(base), PORT: String(port) });
    const seen = new Set<string>();
    const start = startLab(config, {
      watch: (lab) => lab.on("node", (status) => status.state === "up" && seen.add(status.name)),
    });
    await expect(start).rejects.toThrow(CliError);
    await expect(start).rejects.toThrow(`Port ${port} is in use by another program`);
    // Every node came up before the bridge tried to listen; none is left holding its port.
    expect([...seen].sort()).toEqual([...NODE_NAMES].sort());
    const free = await Promise.all(NODE_NAMES.map((_, i) => isPortFree(base + i)));
    expect(free).toEqual(NODE_NAMES.map(() => true));
  });

  it("answers on the port it gives, and its stop ends a live feed and closes the port", async () => {
    const urls = Object.fromEntries(NODE_NAMES.map((name) => [`LAB_${name.toUpperCase()}_URL`, nodeUrl(name)]));
    const token = "start-lab-token-0123456789";
    const dataDir = await folder();
    const config = loadConfig({ ...urls, LAB_MODE: "external", LAB_DATA_DIR: dataDir, LAB_TOKEN: token, PORT: "0" });
    const started = await startLab(config);
    expect(started.url).toBe(`http://127.0.0.1:${started.port}`);
    const feed = await fetch(`${started.url}/api/events`, { headers: { Authorization: `Bearer ${token}` } });
    expect(feed.status).toBe(200);
    const reader = feed.body!.getReader();
    await reader.read();
    await started.stop();
    // The feed ends (its connection closed) instead of keeping the stop waiting, and nothing listens any more.
    await expect(drain(reader)).resolves.toBe("ended");
    expect(await isPortFree(started.port)).toBe(true);
  });
});

/** Reads a stream to its end; a connection cut under it ends it too. Never resolves while the feed stays open. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  try {
    while (!(await reader.read()).done);
  } catch {
    // The server closed the connection rather than end the response: the feed is over all the same.
  }
  return "ended";
}
