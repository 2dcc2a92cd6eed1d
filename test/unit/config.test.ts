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
});
