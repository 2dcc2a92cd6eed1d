import { afterEach, describe, expect, inject, it } from "vitest";
import { NODE_NAMES } from "../../src/lib/api-types.ts";
import { loadConfig } from "../../server/config.ts";
import { HttpError } from "../../server/errors.ts";
import { createLab, type Lab } from "../../server/lab/index.ts";
import { freeBase } from "../support/temp-dir.ts";

// Docker and external nodes are servers the lab doesn't own; the shared test lab's four servers stand in.
const labs: Lab[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.stop();
});

const url = (name: string) => `postgres://postgres:postgres@127.0.0.1:${inject("pgPorts")[name]}/replication`;

describe("nodes the lab doesn't own", () => {
  it("external mode connects to one connection string per node and reports each", async () => {
    const env = Object.fromEntries(NODE_NAMES.map((name) => [`LAB_${name.toUpperCase()}_URL`, url(name)]));
    const lab = createLab(loadConfig({ LAB_MODE: "external", ...env }));
    labs.push(lab);
    await lab.start();
    const status = lab.status();
    expect(status.mode).toBe("external");
    for (const node of status.nodes) {
      expect(node).toMatchObject({ state: "up", host: "127.0.0.1", port: inject("pgPorts")[node.name], walLevel: "logical" });
      expect(node.version).toMatch(/^18\./);
    }
  });

  it("docker mode connects to the compose file's consecutive ports on 127.0.0.1", async () => {
    const lab = createLab(loadConfig({ LAB_MODE: "docker", LAB_PG_PORT: String(inject("pgPorts")["master"]) }));
    labs.push(lab);
    await lab.start();
    expect(lab.status().nodes.map((node) => node.state)).toEqual(["up", "up", "up", "up"]);
  });

  it("reports nodes that don't answer as down, with the reason", async () => {
    const lab = createLab(loadConfig({ LAB_MODE: "docker", LAB_PG_PORT: String(await freeBase()) }));
    labs.push(lab);
    await lab.start();
    for (const node of lab.status().nodes) {
      expect(node.state).toBe("down");
      expect(node.error).toContain("ECONNREFUSED");
    }
  });

  it("leaves stopping and starting to whoever runs the nodes, and says how", async () => {
    const lab = createLab(loadConfig({ LAB_MODE: "docker", LAB_PG_PORT: String(inject("pgPorts")["master"]) }));
    labs.push(lab);
    const attempt = lab.stopNode("slave2");
    await expect(attempt).rejects.toBeInstanceOf(HttpError);
    await expect(attempt).rejects.toThrow("docker compose -f compose/docker-compose-async.yml stop slave2");
  });
});
