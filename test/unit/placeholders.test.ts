import { describe, expect, it } from "vitest";
import type { LabStatus } from "../../shared/api-types.ts";
import { fillPlaceholders, fillPlaceholdersWith, hasPlaceholders } from "../../shared/lessons/placeholders.ts";
import { maskPassword } from "../../shared/lessons/recorded.ts";

const node = (name: string, conninfo: string) => ({
  name,
  conninfo,
  state: "up",
  version: "18.4",
  host: "",
  port: 0,
  walLevel: "logical",
});
const embedded = {
  mode: "embedded",
  nodes: [node("master", "host=127.0.0.1 port=54321 user=postgres password=postgres dbname=replication")],
} as LabStatus;
const docker = {
  mode: "docker",
  nodes: [node("master", "host=master port=5432 user=postgres password=postgres dbname=replication")],
} as LabStatus;

describe("connection placeholders in lessons", () => {
  it("become the node's address as the other nodes reach it, per lab mode", () => {
    const sql = "CREATE SUBSCRIPTION s CONNECTION '{{master}}' PUBLICATION p";
    expect(fillPlaceholders(sql, embedded)).toBe(
      "CREATE SUBSCRIPTION s CONNECTION 'host=127.0.0.1 port=54321 user=postgres password=postgres " +
        "dbname=replication' PUBLICATION p",
    );
    expect(fillPlaceholders(sql, docker)).toContain("'host=master port=5432 user=postgres");
  });

  it("take settings that replace or add to the lab's", () => {
    expect(fillPlaceholders("'{{ master user=replicator password=s3cret sslmode=disable }}'", embedded)).toBe(
      "'host=127.0.0.1 port=54321 user=replicator password=s3cret dbname=replication sslmode=disable'",
    );
  });

  it("drop a setting given no value, so a lesson can show a connection string without a password", () => {
    expect(fillPlaceholders("'{{master user=replicator password=}}'", embedded)).toBe(
      "'host=127.0.0.1 port=54321 user=replicator dbname=replication'",
    );
  });

  it("leave unknown nodes and plain text alone", () => {
    expect(hasPlaceholders("SELECT '{{x}}'")).toBe(false);
    expect(fillPlaceholders("'{{slave2}}'", embedded)).toBe("'{{slave2}}'");
  });
});

describe("connection placeholders with no lab: the recording's connection strings", () => {
  const recorded = {
    master: "host=127.0.0.1 port=43384 user=postgres password=************************ dbname=replication",
    slave1: "host=127.0.0.1 port=43385 user=postgres password=************************ dbname=replication",
  };

  it("fill them in, password masked, as the recording has them", () => {
    expect(fillPlaceholdersWith("CREATE SUBSCRIPTION s CONNECTION '{{master}}' PUBLICATION p", recorded)).toBe(
      "CREATE SUBSCRIPTION s CONNECTION 'host=127.0.0.1 port=43384 user=postgres " +
        "password=************************ dbname=replication' PUBLICATION p",
    );
  });

  it("take a lesson's own settings over the recorded ones, or drop them", () => {
    expect(fillPlaceholdersWith("'{{master user=replicator password=replicator}}'", recorded)).toBe(
      "'host=127.0.0.1 port=43384 user=replicator password=replicator dbname=replication'",
    );
    expect(fillPlaceholdersWith("'{{master user=replicator password=}}'", recorded)).toBe(
      "'host=127.0.0.1 port=43384 user=replicator dbname=replication'",
    );
  });

  it("leave a node the recording has no string for as its placeholder", () => {
    expect(fillPlaceholdersWith("'{{slave3}}' '{{slave1}}'", recorded)).toBe(`'{{slave3}}' '${recorded.slave1}'`);
    expect(fillPlaceholdersWith("'{{master}}'", {})).toBe("'{{master}}'");
  });
});

describe("the recording's password mask", () => {
  it("replaces the lab's password everywhere with asterisks of its length, so psql's columns stay aligned", () => {
    const json = JSON.stringify({
      conninfo: "user=postgres password=Zk3_-x dbname=replication",
      psql: " Conninfo \n password=Zk3_-x ",
    });
    expect(maskPassword(json, "Zk3_-x")).toBe(
      JSON.stringify({
        conninfo: "user=postgres password=****** dbname=replication",
        psql: " Conninfo \n password=****** ",
      }),
    );
    expect(maskPassword(json, "")).toBe(json);
  });
});
