import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_BRIDGE_PORT, DEFAULT_PG_PORT, DOCKER_PG_PORT, loadConfig, PROJECT_ROOT } from "../../server/config.ts";
import { CliError } from "../../server/errors.ts";

describe("configuration from the environment", () => {
  it("defaults to the embedded lab in .lab/, away from 5432, with a fresh token", () => {
    const a = loadConfig({});
    expect(a.mode).toBe("embedded");
    expect(a.dataDir).toBe(path.join(PROJECT_ROOT, ".lab"));
    expect(a.pgPort).toBe(DEFAULT_PG_PORT);
    expect(a.pgPort).not.toBe(5432);
    expect(a.pgPortExplicit).toBe(false);
    expect(a.bridgePort).toBe(DEFAULT_BRIDGE_PORT);
    expect(a.token.length).toBeGreaterThanOrEqual(16);
    expect(loadConfig({}).token).not.toBe(a.token);
  });

  it("takes LAB_DATA_DIR, LAB_PG_PORT, PORT and LAB_TOKEN", () => {
    const config = loadConfig({
      LAB_DATA_DIR: "/srv/lab",
      LAB_PG_PORT: "6000",
      PORT: "8080",
      LAB_TOKEN: "a-token-of-twenty-chars",
    });
    expect(config).toMatchObject({
      dataDir: "/srv/lab",
      pgPort: 6000,
      pgPortExplicit: true,
      bridgePort: 8080,
      token: "a-token-of-twenty-chars",
    });
  });

  it("uses the compose file's ports in docker mode", () => {
    expect(loadConfig({ LAB_MODE: "docker" }).pgPort).toBe(DOCKER_PG_PORT);
  });

  it("says which connection strings external mode is missing", () => {
    expect(() => loadConfig({ LAB_MODE: "external", LAB_MASTER_URL: "postgres://h/replication" })).toThrow(
      /missing LAB_SLAVE1_URL, LAB_SLAVE2_URL, LAB_SLAVE3_URL/,
    );
  });

  it("refuses nonsense with a sentence and exit code 2", () => {
    for (const env of [
      { LAB_MODE: "kubernetes" },
      { LAB_PG_PORT: "eighty" },
      { PORT: "70000" },
      { LAB_TOKEN: "short" },
    ]) {
      try {
        loadConfig(env);
        expect.unreachable(`accepted ${JSON.stringify(env)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(CliError);
        expect((error as CliError).exitCode).toBe(2);
      }
    }
  });

  it("runs every node on 18 unless LAB_PG_VERSIONS names some, with spaces allowed", () => {
    expect(loadConfig({}).pgVersions).toEqual({ master: 18, slave1: 18, slave2: 18, slave3: 18 });
    expect(loadConfig({ LAB_PG_VERSIONS: "master=16" }).pgVersions).toEqual({
      master: 16,
      slave1: 18,
      slave2: 18,
      slave3: 18,
    });
    expect(loadConfig({ LAB_PG_VERSIONS: " master = 14, slave1=17 ,slave3=15" }).pgVersions).toEqual({
      master: 14,
      slave1: 17,
      slave2: 18,
      slave3: 15,
    });
  });

  it("refuses a LAB_PG_VERSIONS it can't follow, saying what is wrong", () => {
    const refusals: [Record<string, string>, RegExp][] = [
      [{ LAB_PG_VERSIONS: "master" }, /"master" is not node=major \(e\.g\. LAB_PG_VERSIONS=master=16/],
      [{ LAB_PG_VERSIONS: "primary=16" }, /"primary" is not a node; the nodes are master, slave1, slave2, slave3/],
      [{ LAB_PG_VERSIONS: "master=13" }, /master=13 is not a PostgreSQL major the lab offers; choose one of 14, 15/],
      [{ LAB_PG_VERSIONS: "master=16.2" }, /master=16\.2 is not a PostgreSQL major/],
      [{ LAB_PG_VERSIONS: "master=16,master=17" }, /names master twice/],
      [{ LAB_PG_VERSIONS: "master=16,,slave1=17" }, /"" is not node=major/],
      [{ LAB_MODE: "docker", LAB_PG_VERSIONS: "master=16" }, /in docker mode the servers are the compose file's image/],
    ];
    for (const [env, message] of refusals) {
      try {
        loadConfig(env);
        expect.unreachable(`accepted ${JSON.stringify(env)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(CliError);
        expect((error as CliError).message).toMatch(message);
        expect((error as CliError).exitCode).toBe(2);
      }
    }
  });
});
