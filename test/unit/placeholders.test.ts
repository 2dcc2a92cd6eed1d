import { describe, expect, it } from "vitest";
import type { LabStatus } from "../../src/lib/api-types.ts";
import { fillPlaceholders, hasPlaceholders } from "../../src/lib/placeholders.ts";

const node = (name: string, conninfo: string) => ({ name, conninfo, state: "up", version: "18.4", host: "", port: 0, walLevel: "logical" });
const embedded = {
  mode: "embedded",
  nodes: [node("master", "host=127.0.0.1 port=54321 user=postgres password=postgres dbname=replication")],
} as LabStatus;
const docker = { mode: "docker", nodes: [node("master", "host=master port=5432 user=postgres password=postgres dbname=replication")] } as LabStatus;

describe("connection placeholders in lessons", () => {
  it("become the node's address as the other nodes reach it, per lab mode", () => {
    const sql = "CREATE SUBSCRIPTION s CONNECTION '{{master}}' PUBLICATION p";
    expect(fillPlaceholders(sql, embedded)).toBe(
      "CREATE SUBSCRIPTION s CONNECTION 'host=127.0.0.1 port=54321 user=postgres password=postgres dbname=replication' PUBLICATION p",
    );
    expect(fillPlaceholders(sql, docker)).toContain("'host=master port=5432 user=postgres");
  });

  it("take settings that replace or add to the lab's", () => {
    expect(fillPlaceholders("'{{ master user=replicator password=s3cret sslmode=disable }}'", embedded)).toBe(
      "'host=127.0.0.1 port=54321 user=replicator password=s3cret dbname=replication sslmode=disable'",
    );
  });

  it("drop a setting given no value, so a lesson can show a connection string without a password", () => {
    expect(fillPlaceholders("'{{master user=replicator password=}}'", embedded)).toBe("'host=127.0.0.1 port=54321 user=replicator dbname=replication'");
  });

  it("leave unknown nodes and plain text alone", () => {
    expect(hasPlaceholders("SELECT '{{x}}'")).toBe(false);
    expect(fillPlaceholders("'{{slave2}}'", embedded)).toBe("'{{slave2}}'");
  });
});
