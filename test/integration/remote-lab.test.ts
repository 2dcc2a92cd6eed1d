import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { NODE_NAMES } from "../../shared/api-types.ts";
import { loadConfig } from "../../server/config.ts";
import { NotSupportedInMode } from "../../server/errors.ts";
import { EmbeddedLab } from "../../server/lab/embedded/index.ts";
import { createLab, type Lab } from "../../server/lab/index.ts";
import { nodeUrl } from "../support/bridge.ts";
import { freeBase, tempDir } from "../support/temp-dir.ts";

// Docker and external nodes are servers the lab doesn't own; the shared test lab's four servers stand in.
const labs: Lab[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0).reverse()) await lab.stop();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("nodes the lab doesn't own", () => {
  it("external mode connects to one connection string per node and reports each", async () => {
    const env = Object.fromEntries(NODE_NAMES.map((name) => [`LAB_${name.toUpperCase()}_URL`, nodeUrl(name)]));
    const lab = createLab(loadConfig({ LAB_MODE: "external", ...env }));
    labs.push(lab);
    await lab.start();
    const status = lab.status();
    expect(status.mode).toBe("external");
    for (const node of status.nodes) {
      expect(node).toMatchObject({
        state: "up",
        host: "127.0.0.1",
        port: inject("pgPorts")[node.name],
        walLevel: "logical",
      });
      expect(node.version).toMatch(/^18\./);
    }
  });

  it(
    "docker mode connects to the compose file's consecutive ports on 127.0.0.1, " + "with the walkthrough's password",
    async () => {
      // The compose file's containers keep the walkthrough's postgres/postgres; the shared test lab has a
      // password of its own, so an embedded lab given that password stands in for them.
      const dir = await tempDir("lab-docker");
      cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
      await fs.writeFile(path.join(dir, "password"), "postgres\n", { mode: 0o600 });
      const containers = new EmbeddedLab(loadConfig({ LAB_DATA_DIR: dir, LAB_PG_PORT: String(await freeBase()) }));
      labs.push(containers);
      await containers.start();
      const lab = createLab(loadConfig({ LAB_MODE: "docker", LAB_PG_PORT: String(containers.node("master").port) }));
      labs.push(lab);
      await lab.start();
      expect(lab.status().nodes.map((node) => node.state)).toEqual(["up", "up", "up", "up"]);
    },
  );

  it("reports nodes that don't answer as down, with the reason", async () => {
    const lab = createLab(loadConfig({ LAB_MODE: "docker", LAB_PG_PORT: String(await freeBase()) }));
    labs.push(lab);
    await lab.start();
    for (const node of lab.status().nodes) {
      expect(node.state).toBe("down");
      expect(node.error).toContain("ECONNREFUSED");
    }
  });

  it("has no servers on this machine to read logs from or start beside, as the embedded lab has", async () => {
    const env = Object.fromEntries(NODE_NAMES.map((name) => [`LAB_${name.toUpperCase()}_URL`, nodeUrl(name)]));
    expect(createLab(loadConfig({ LAB_MODE: "external", ...env })).localServers()).toBeNull();
    expect(createLab(loadConfig({ LAB_MODE: "docker" })).localServers()).toBeNull();
    const dir = await tempDir("lab-local");
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const embedded = new EmbeddedLab(loadConfig({ LAB_DATA_DIR: dir }));
    expect(embedded.localServers()).toBe(embedded);
  });

  it("in docker mode without the compose project's containers, says which command stops a node", async () => {
    // No container of compose project "compose" runs slave2 here (docker-mode.test.ts stops real ones).
    const lab = createLab(loadConfig({ LAB_MODE: "docker", LAB_PG_PORT: String(inject("pgPorts")["master"]) }));
    labs.push(lab);
    const attempt = lab.stopNode("slave2");
    await expect(attempt).rejects.toBeInstanceOf(NotSupportedInMode);
    await expect(attempt).rejects.toThrow("docker compose -f compose/docker-compose-async.yml stop slave2");
  });
});
