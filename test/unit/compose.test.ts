import fs from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { NODE_NAMES } from "../../shared/api-types.ts";
import { DOCKER_PG_PORT, PROJECT_ROOT } from "../../server/config.ts";

// The compose file as data; test/integration/docker-mode.test.ts runs it on a real Docker engine.
const compose = parse(await fs.readFile(path.join(PROJECT_ROOT, "compose/docker-compose-async.yml"), "utf8"), {
  merge: true,
});

describe("compose/docker-compose-async.yml", () => {
  it("has master and three subscribers from the official PostgreSQL 18 image", () => {
    expect(Object.keys(compose.services)).toEqual([...NODE_NAMES]);
    // LAB_PG_IMAGE overrides it (the tests' stand-in where no registry answers); unset, it is postgres:18.
    for (const name of NODE_NAMES) expect(compose.services[name].image).toBe("${LAB_PG_IMAGE:-postgres:18}");
  });

  it("starts every node with wal_level=logical, and leaves lesson 2's settings to ALTER SYSTEM", () => {
    for (const name of NODE_NAMES) {
      const command: string[] = compose.services[name].command;
      expect(command).toEqual(["postgres", "-c", "wal_level=logical"]);
    }
  });

  it("gives every node a named volume of its own, mounted where the 18 image keeps its data", () => {
    const volumes = NODE_NAMES.map((name) => {
      const mounts: string[] = compose.services[name].volumes;
      expect(mounts).toHaveLength(1);
      const [volume, target] = mounts[0]!.split(":");
      expect(target).toBe("/var/lib/postgresql");
      expect(Object.keys(compose.volumes)).toContain(volume);
      return volume;
    });
    expect(new Set(volumes).size).toBe(NODE_NAMES.length);
  });

  it("publishes each node on 127.0.0.1 only, on the ports docker mode connects to", () => {
    NODE_NAMES.forEach((name, i) => {
      expect(compose.services[name].ports).toEqual([`127.0.0.1:${DOCKER_PG_PORT + i}:5432`]);
    });
  });

  it("creates the walkthrough's database and user, and checks health", () => {
    for (const name of NODE_NAMES) {
      const service = compose.services[name];
      expect(service.environment).toMatchObject({
        POSTGRES_DB: "replication",
        POSTGRES_USER: "postgres",
        POSTGRES_PASSWORD: "postgres",
      });
      expect(service.healthcheck.test.join(" ")).toContain("pg_isready");
    }
  });
});
