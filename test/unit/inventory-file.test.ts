// The inventory file's parser: the labs in order, and every mistake named by line and field.
import { describe, expect, it } from "vitest";
import { CliError } from "../../server/errors.ts";
import { parseInventory } from "../../server/workshop/provision/inventory-file.ts";

const url = (node: string, lab = "a") => `postgres://postgres:pw-${lab}@${lab}-${node}.example:5432/replication`;
const lab = (id: string) =>
  [`  - id: ${id}`, ...["master", "slave1", "slave2", "slave3"].map((n) => `    ${n}: ${url(n, id)}`)].join("\n");

function refusal(text: string): string {
  try {
    parseInventory(text, "labs.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return (error as Error).message;
  }
  throw new Error("the inventory was accepted");
}

describe("inventory file", () => {
  it("lists the labs in the file's order, each with its four connection strings", () => {
    const labs = parseInventory(`# two labs\nlabs:\n${lab("lab-1")}\n${lab("lab-2")}\n`);
    expect(labs.map((l) => l.id)).toEqual(["lab-1", "lab-2"]);
    expect(labs[1]!.urls).toEqual({
      master: url("master", "lab-2"),
      slave1: url("slave1", "lab-2"),
      slave2: url("slave2", "lab-2"),
      slave3: url("slave3", "lab-2"),
    });
  });

  it("reads JSON too, which is YAML", () => {
    const json = JSON.stringify({
      labs: [{ id: "x", master: url("m"), slave1: url("1"), slave2: url("2"), slave3: url("3") }],
    });
    expect(parseInventory(json)[0]!.urls.slave3).toBe(url("3"));
  });

  it("names the line and the field of a missing connection string", () => {
    const text = `labs:\n${lab("lab-1")}\n${lab("lab-2").replace(/\n {4}slave2:.*/, "")}\n`;
    expect(refusal(text)).toBe('labs.yaml line 7: lab "lab-2"\'s slave2 is missing.');
  });

  it("names the line of a connection string that isn't a postgres URL, without its password", () => {
    const text = `labs:\n${lab("lab-1").replace(url("slave1", "lab-1"), "mysql://root:secret@db/x")}\n`;
    expect(refusal(text)).toBe(
      'labs.yaml line 4: lab "lab-1"\'s slave1 must be a URL like ' +
        "postgres://postgres:PASSWORD@HOST:5432/replication; " +
        'it is "mysql://root:***@db/x".',
    );
  });

  it("refuses a field it doesn't know (a typo), a duplicate id, an id that can't name a namespace", () => {
    expect(refusal(`labs:\n${lab("a").replace("slave3", "slave4")}\n`)).toBe(
      'labs.yaml line 6: lab 1 has a field "slave4"; a lab has id, master, slave1, slave2, slave3.',
    );
    expect(refusal(`labs:\n${lab("a")}\n${lab("a")}\n`)).toBe("labs.yaml line 7: lab 2's id \"a\" is lab 1's too.");
    expect(refusal(`labs:\n${lab("Lab_1")}\n`)).toMatch(/^labs\.yaml line 2: lab 1's id "Lab_1" must be 1 to 40/);
  });

  it("refuses a file without labs, and a file that isn't YAML, with the line", () => {
    expect(refusal("labs: []\n")).toBe('labs.yaml line 1: "labs" must be a list of at least one lab.');
    expect(refusal("- a\n- b\n")).toMatch(/^labs\.yaml line 1: expected a mapping with a "labs" list/);
    expect(refusal(`labs:\n${lab("a")}\n   bad: [\n`)).toMatch(/^labs\.yaml line \d+: /);
  });
});
