// npm start (server/main.ts) as a person runs it: what it prints once the lab is up, and Ctrl+C. The psql line is
// there only when the lab's servers run on this machine (Lab.localServers()), and works as printed.
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import pg from "pg";
import path from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { PROJECT_ROOT } from "../../server/config.ts";
import { waitFor } from "../support/bridge.ts";
import { startChildBridge } from "../support/child-bridge.ts";
import { freeBase, tempDir } from "../support/temp-dir.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs npm start's script on a lab of its own, in embedded mode, until it says it is ready. */
async function npmStart(dataDir: string, pgPort: number, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    env: {
      ...process.env,
      LAB_MODE: "embedded",
      LAB_DATA_DIR: dataDir,
      LAB_PG_PORT: String(pgPort),
      PORT: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exit;
  });
  await new Promise<void>((resolve, reject) => {
    const look = () => {
      if (output.includes("Ctrl+C stops the lab.")) resolve();
      else if (child.exitCode !== null) reject(new Error(`npm start exited:\n${output}`));
      else setTimeout(look, 50);
    };
    look();
  });
  return { child, output: () => output, exit };
}

describe("npm start", () => {
  it("prints a psql command for master that connects with the lab's password, and stops on Ctrl+C", async () => {
    const dataDir = await tempDir("npm-start");
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const base = await freeBase();
    // The test run's site, built by its global setup: building dist/ here too took longer than the test may.
    const started = await npmStart(dataDir, base, { LAB_SITE_DIR: inject("siteDir") });
    const line = /psql on master: PGPASSWORD=\$\(cat (\S+)\) psql "host=(\S+) port=(\d+) user=(\S+) dbname=(\S+)"/.exec(
      started.output(),
    );
    expect(line, started.output()).not.toBeNull();
    const [, file, host, port, user, database] = line!;
    expect(file).toBe(`${dataDir}/password`);
    expect(Number(port)).toBe(base);
    const password = (await fs.readFile(file!, "utf8")).trim();
    const client = new pg.Client({ host, port: Number(port), user, database, password });
    await client.connect();
    try {
      expect((await client.query("SELECT current_database() AS db")).rows).toEqual([{ db: database }]);
    } finally {
      await client.end();
    }
    started.child.kill("SIGINT");
    expect(await started.exit).toBe(0);
    expect(started.output()).toContain("All nodes stopped.");
  });

  it("prints no psql command for nodes that run elsewhere (external mode)", async () => {
    const bridge = await startChildBridge();
    cleanups.push(() => bridge.stop());
    // Its ready line comes a moment after the address the helper waits for.
    const output = await waitFor(async () => bridge.stdout().includes("Ctrl+C stops the lab.") && bridge.stdout());
    expect(output).toContain("API token for other clients");
    expect(output).not.toContain("psql on master");
  });

  it("says each phase of a first start's site build, and each node once it is up, in a few plain lines", async () => {
    const dataDir = await tempDir("npm-start-build");
    // Inside the project, as dist/ is: the built pages load Astro's modules from its node_modules.
    const siteDir = path.join(PROJECT_ROOT, `dist-start-test-${path.basename(dataDir)}`);
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    cleanups.push(() => fs.rm(siteDir, { recursive: true, force: true }));
    const started = await npmStart(dataDir, await freeBase(), { LAB_SITE_DIR: siteDir });
    const output = started.output();
    const lines = output.split("\n");
    const phases = [
      /^ {2}site: building \(/,
      /^ {2}site: content and types, [\d.]+ s$/,
      /^ {2}site: server bundle [1-9]\d* modules, [\d.]+ s$/,
      /^ {2}site: browser bundle [1-9]\d* modules, [\d.]+ s$/,
      /^ {2}site: pages (\d+)\/\1, [\d.]+ s$/,
      /^ {2}site: search index, [\d.]+ s$/,
      /^ {2}site: built in [\d.]+ s$/,
    ];
    // Each phase once, in the order the build goes through them.
    const found = phases.map((phase) => lines.filter((line) => phase.test(line)).length);
    expect(found, output).toEqual(phases.map(() => 1));
    const at = phases.map((phase) => lines.findIndex((line) => phase.test(line)));
    expect(at, output).toEqual([...at].sort((a, b) => a - b));
    // The pages counted are the site's: as many as the built folder has.
    const pages = Number(/site: pages (\d+)\//.exec(output)![1]);
    const built = (await fs.readdir(siteDir, { recursive: true })).filter((file) => file.endsWith(".html"));
    expect(pages).toBe(built.length);
    // Not a terminal: no updating lines, and each node says one line, once it is up.
    expect(output).not.toContain("\x1b[");
    for (const node of ["master", "slave1", "slave2", "slave3"]) {
      expect(
        lines.filter((line) => line.startsWith(`  ${node.padEnd(7)} `)),
        output,
      ).toEqual([expect.stringMatching(/ up +PostgreSQL /)]);
    }
    started.child.kill("SIGINT");
    expect(await started.exit).toBe(0);
  }, 300_000);
});
