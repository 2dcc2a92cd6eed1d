import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MetaError, runMeta } from "../../server/psql/describe/index.ts";
import type { NodeName } from "../../shared/api-types.ts";
import { formatResult } from "../../server/psql/format.ts";
import { requirePsql } from "../../scripts/prerequisites.ts";
import { nodeConninfo, nodeLogin, query } from "../support/bridge.ts";

// The describe commands against a real PostgreSQL 18 lab, checked against the real psql where psql 15 (the
// client this machine has) prints what psql 18 would, and against psql 18's describe.c where they differ.
const run = promisify(execFile);
const clients = new Map<NodeName, pg.Client>();

async function client(node: NodeName): Promise<pg.Client> {
  let found = clients.get(node);
  if (!found) {
    found = new pg.Client(nodeLogin(node));
    await found.connect();
    clients.set(node, found);
  }
  return found;
}

/** What the lab prints for a meta-command line such as `\dRp+ metatest_pub`. */
async function lab(node: NodeName, line: string, expanded = false): Promise<string> {
  const [command = "", ...args] = line.slice(1).split(/\s+/);
  const outputs = await runMeta(await client(node), { command, args });
  return outputs.map((output) => formatResult(output, { expanded })).join("");
}

/** What the real psql prints for the same line, errors included, as someone at a terminal sees it. */
async function psql(node: NodeName, line: string, expanded = false): Promise<string> {
  const args = [
    "-X",
    "-P",
    "pager=off",
    "-h",
    "127.0.0.1",
    "-p",
    String(inject("pgPorts")[node]),
    "-U",
    "postgres",
    "-d",
    "replication",
  ];
  if (expanded) args.push("-x");
  const env = { ...process.env, PGPASSWORD: inject("pgPassword"), PGCLIENTENCODING: "UTF8" };
  try {
    const { stdout, stderr } = await run(requirePsql(), [...args, "-c", line], { env });
    return stdout + stderr;
  } catch (error) {
    const failed = error as { stdout: string; stderr: string };
    return failed.stdout + failed.stderr;
  }
}

async function metaError(node: NodeName, line: string): Promise<MetaError> {
  const error = await lab(node, line).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(MetaError);
  return error as MetaError;
}

const masterPort = () => inject("pgPorts").master;

beforeAll(async () => {
  const table = `CREATE TABLE metatest_users (
    id         serial PRIMARY KEY,
    name       text        NOT NULL,
    email      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`;
  const master = await client("master");
  await master.query(table);
  await master.query("CREATE PUBLICATION metatest_pub FOR TABLE metatest_users");
  await master.query("CREATE PUBLICATION metatest_filtered FOR TABLE metatest_users (id, name) WHERE (id > 10)");
  const slave1 = await client("slave1");
  await slave1.query(table);
  await slave1.query(
    `CREATE SUBSCRIPTION metatest_sub CONNECTION '${await nodeConninfo("master")}' PUBLICATION metatest_pub`,
  );
});

afterAll(async () => {
  // The subscription goes first: dropping it also drops its replication slot on master.
  await clients.get("slave1")?.query("DROP SUBSCRIPTION IF EXISTS metatest_sub");
  await clients.get("slave1")?.query("DROP TABLE IF EXISTS metatest_users");
  await clients.get("master")?.query("DROP PUBLICATION IF EXISTS metatest_pub, metatest_filtered");
  await clients.get("master")?.query("DROP TABLE IF EXISTS metatest_users");
  for (const found of clients.values()) await found.end();
});

describe("describe commands print what psql prints", () => {
  it("\\d TABLE: columns, the primary key and the publications that carry the table", async () => {
    const text = await lab("master", "\\d metatest_users");
    expect(text).toBe(await psql("master", "\\d metatest_users"));
    expect(text).toContain('Indexes:\n    "metatest_users_pkey" PRIMARY KEY, btree (id)\n');
    expect(text).toContain('Publications:\n    "metatest_filtered" (id, name) WHERE (id > 10)\n    "metatest_pub"\n');
  });

  it("\\d TABLE stays a table under \\x, as psql's does", async () => {
    expect(await lab("master", "\\d metatest_users", true)).toBe(await psql("master", "\\d metatest_users", true));
  });

  it("\\d SEQUENCE: its settings and the column that owns it", async () => {
    const text = await lab("master", "\\d metatest_users_id_seq");
    expect(text).toBe(await psql("master", "\\d metatest_users_id_seq"));
    expect(text).toContain("Owned by: public.metatest_users.id");
  });

  it("\\d INDEX and \\d with a wildcard describe every match in turn", async () => {
    expect(await lab("master", "\\d metatest_users_pkey")).toBe(await psql("master", "\\d metatest_users_pkey"));
    const text = await lab("master", "\\d metatest_user*");
    expect(text).toBe(await psql("master", "\\d metatest_user*"));
    expect(text.match(/^ +(Table|Sequence|Index) "public\.metatest_users\w*"$/gm)).toHaveLength(3);
  });

  it("\\d with no name lists the relations", async () => {
    expect(await lab("master", "\\d")).toBe(await psql("master", "\\d"));
  });

  it("\\dRs on a subscriber lists its subscriptions", async () => {
    const text = await lab("slave1", "\\dRs metatest_sub");
    expect(text).toBe(await psql("slave1", "\\dRs metatest_sub"));
    expect(text).toContain(" metatest_sub | postgres | t       | {metatest_pub}\n(1 row)\n");
  });

  it("\\dRs under \\x prints one record per subscription", async () => {
    expect(await lab("slave1", "\\dRs metatest_sub", true)).toBe(await psql("slave1", "\\dRs metatest_sub", true));
  });

  it("says what psql says when nothing matches a name", async () => {
    expect((await metaError("master", "\\d metatest_nope")).message).toBe(
      'Did not find any relation named "metatest_nope".',
    );
    expect(await psql("master", "\\d metatest_nope")).toBe('Did not find any relation named "metatest_nope".\n');
    expect((await metaError("master", "\\dRp+ metatest_nope")).message).toBe(
      'Did not find any publication named "metatest_nope".',
    );
    expect(await psql("master", "\\dRp+ metatest_nope")).toBe('Did not find any publication named "metatest_nope".\n');
  });
});

describe("arguments past a describe command's pattern, as psql treats them", () => {
  /** A cell's text for `line`, as the bridge runs it: its tables, or its error's message, each line ended. */
  async function cellText(line: string): Promise<string> {
    const answer = await query("master", line);
    if (answer.error) return `${answer.error.message}\n`;
    return answer.results.map((result) => result.psql ?? "").join("");
  }

  it("warns about each ignored argument after the output, and after \\dt's `Did not find`", async () => {
    for (const line of ["\\d metatest_users_id_seq extra", '\\dRs metatest_sub metatest_pub "two words"']) {
      expect(await cellText(line), line).toBe(await psql("master", line));
    }
    // psql 18's words (psql 15 said "relation" here): its listTables reports no match and succeeds.
    expect(await cellText("\\dt metatest_nope a b")).toBe(
      'Did not find any tables named "metatest_nope".\n' +
        '\\dt: extra argument "a" ignored\n\\dt: extra argument "b" ignored\n',
    );
  });

  it("says nothing of them when the command failed, as psql throws the rest of its line away", async () => {
    for (const line of ["\\dRp+ metatest_nope extra", "\\d metatest_nope extra", "\\dRp a.b c"]) {
      expect(await cellText(line), line).toBe(await psql("master", line));
      expect(await cellText(line)).not.toContain("extra argument");
    }
  });
});

describe("where psql 18 prints more than psql 15 (from 18's describe.c)", () => {
  it(
    "\\dRp+ adds `Generated columns` before `Via root`, " + "and lists the tables with their column lists and filters",
    async () => {
      const [filtered, plain] = await runMeta(await client("master"), { command: "dRp+", args: ["metatest_*"] });
      expect(filtered).toEqual({
        title: "Publication metatest_filtered",
        fields: [
          "Owner",
          "All tables",
          "Inserts",
          "Updates",
          "Deletes",
          "Truncates",
          "Generated columns",
          "Via root",
        ].map((name) => ({
          name,
          type: "text",
        })),
        rows: [["postgres", "f", "t", "t", "t", "t", "none", "f"]],
        footers: ["Tables:", '    "public.metatest_users" (id, name) WHERE (id > 10)'],
        showRowCount: true,
      });
      expect(plain?.title).toBe("Publication metatest_pub");
      expect(await lab("master", "\\dRp+ metatest_pub")).toBe(
        [
          "                                    Publication metatest_pub",
          "  Owner   | All tables | Inserts | Updates | Deletes | Truncates | Generated columns | Via root ",
          "----------+------------+---------+---------+---------+-----------+-------------------+----------",
          " postgres | f          | t       | t       | t       | t         | none              | f",
          "Tables:",
          '    "public.metatest_users"',
          "",
          "",
        ].join("\n"),
      );
      // The footers are the same in psql 15, which knows the tables section since 15.
      const footers = (text: string) => text.slice(text.indexOf("Tables:"));
      expect(footers(await lab("master", "\\dRp+ metatest_filtered"))).toBe(
        footers(await psql("master", "\\dRp+ metatest_filtered")),
      );
    },
  );

  it("\\dRp lists the same columns as \\dRp+, with the name first", async () => {
    const [list] = await runMeta(await client("master"), { command: "dRp", args: ["metatest_pub"] });
    expect(list?.title).toBe("List of publications");
    expect(list?.fields.map((field) => field.name)).toEqual([
      "Name",
      "Owner",
      "All tables",
      "Inserts",
      "Updates",
      "Deletes",
      "Truncates",
      "Generated columns",
      "Via root",
    ]);
    expect(list?.rows).toEqual([["metatest_pub", "postgres", "f", "t", "t", "t", "t", "none", "f"]]);
  });

  it("\\dRs+ shows the 14+, 15+, 16+ and 17+ columns of an 18 server", async () => {
    const [list] = await runMeta(await client("slave1"), { command: "dRs+", args: ["metatest_sub"] });
    const columns = list?.fields.map((field) => field.name);
    expect(columns).toEqual([
      "Name",
      "Owner",
      "Enabled",
      "Publication",
      "Binary",
      "Streaming",
      "Two-phase commit",
      "Disable on error",
      "Origin",
      "Password required",
      "Run as owner?",
      "Failover",
      "Synchronous commit",
      "Conninfo",
      "Skip LSN",
    ]);
    const row = Object.fromEntries((columns ?? []).map((name, i) => [name, list?.rows[0]?.[i]]));
    expect(row).toMatchObject({
      Name: "metatest_sub",
      Enabled: "t",
      Publication: "{metatest_pub}",
      Streaming: "parallel",
      "Two-phase commit": "d",
      Origin: "any",
      "Password required": "t",
      "Run as owner?": "f",
      Failover: "f",
      "Skip LSN": "0/0",
    });
    expect(row.Conninfo).toContain(`port=${masterPort()}`);
  });

  it("\\dt says `List of tables`, where psql 15 said `List of relations`", async () => {
    const ours = (await lab("master", "\\dt metatest_*")).split("\n");
    const theirs = (await psql("master", "\\dt metatest_*")).split("\n");
    expect(ours[0]).toMatch(/^ +List of tables$/);
    expect(theirs[0]).toMatch(/^ +List of relations$/);
    expect(ours.slice(1)).toEqual(theirs.slice(1));
    expect(ours).toContain(" public | metatest_users | table | postgres");
  });

  it("\\d+ TABLE adds the not-null constraints that 18 keeps in pg_constraint", async () => {
    const ours = await lab("master", "\\d+ metatest_users");
    const theirs = await psql("master", "\\d+ metatest_users");
    const notNull = [
      "Not-null constraints:",
      '    "metatest_users_id_not_null" NOT NULL "id"',
      '    "metatest_users_name_not_null" NOT NULL "name"',
      '    "metatest_users_email_not_null" NOT NULL "email"',
      '    "metatest_users_created_at_not_null" NOT NULL "created_at"',
      "",
    ].join("\n");
    expect(ours).toBe(theirs.replace("Access method: heap\n", `${notNull}Access method: heap\n`));
  });

  it(
    "an x in the command shows a list expanded, " + "as psql 18's \\dRpx does, but never a table's description",
    async () => {
      const [list] = await runMeta(await client("master"), { command: "dRpx", args: ["metatest_pub"] });
      expect(list?.expanded).toBe(true);
      expect(formatResult(list!, { expanded: false })).toMatch(
        /^List of publications\n-\[ RECORD 1 \]-+\+-+\nName +\| metatest_pub\n/,
      );
      const [table] = await runMeta(await client("master"), { command: "d+x", args: ["metatest_users"] });
      expect(table?.expanded).toBe(false);
    },
  );
});

describe("commands psql would refuse, and commands the lab does not run", () => {
  it("an unknown command gets psql's `invalid command` and its hint", async () => {
    const error = await metaError("master", "\\foo");
    expect(error.message).toBe("invalid command \\foo");
    expect(error.hint).toBe("Try \\? for help.");
    expect(await psql("master", "\\foo")).toBe("invalid command \\foo\n");
    expect((await metaError("master", "\\dR")).message).toBe("invalid command \\dR");
  });

  it("a psql command the lab does not run says so and lists what it does run", async () => {
    const error = await metaError("master", "\\df");
    expect(error.message).toBe("\\df is a psql command that the lab does not run.");
    expect(error.hint).toContain("\\dRp");
  });

  it("a name with too many dots, or another database's name, is refused as psql refuses it", async () => {
    expect((await metaError("master", "\\d a.b.c.d")).message).toBe(
      "improper qualified name (too many dotted names): a.b.c.d",
    );
    expect(await psql("master", "\\d a.b.c.d")).toBe("improper qualified name (too many dotted names): a.b.c.d\n");
    expect((await metaError("master", "\\d postgres.public.metatest_users")).message).toBe(
      "cross-database references are not implemented: postgres.public.metatest_users",
    );
    expect((await metaError("master", "\\dRp a.b")).message).toBe(
      "improper qualified name (too many dotted names): a.b",
    );
  });
});
