// The inventory file: the labs the `inventory` driver hands out, each as the four connection strings external
// mode takes (LAB_MASTER_URL and the rest), made by whatever runs the servers (deploy/kubernetes/ writes one).
// It is YAML, so that it can carry comments and be written by hand; JSON is YAML too, so a JSON file reads the
// same. Every mistake is reported with the file's name, the line and the field, because the person who reads
// the message is editing that file.
import fs from "node:fs/promises";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { NODE_NAMES, type NodeName } from "../../../shared/api-types.ts";
import { CliError } from "../../errors.ts";

/** One lab of the inventory: its id (stable, names it in the hub's database) and one URL per node. */
export interface InventoryLab {
  readonly id: string;
  readonly urls: Readonly<Record<NodeName, string>>;
}

/** Lab ids name the lab in the hub's database, in URLs and (deploy/kubernetes/) in namespaces: DNS label rules. */
const LAB_ID = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;
const FIELDS = new Set<string>(["id", ...NODE_NAMES]);

export async function readInventory(file: string): Promise<InventoryLab[]> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    throw new CliError(`Can't read the inventory file ${file}: ${(error as Error).message}`, 2);
  }
  return parseInventory(text, file);
}

/** The labs the text lists, in order; throws a CliError naming the line and field of the first mistake. */
export function parseInventory(text: string, source = "the inventory"): InventoryLab[] {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const at = (node: Node | null | undefined): string =>
    node?.range ? `${source} line ${lines.linePos(node.range[0]).line}` : source;
  const fail = (node: Node | null | undefined, sentence: string): never => {
    throw new CliError(`${at(node)}: ${sentence}`, 2);
  };
  const [syntax] = document.errors;
  if (syntax)
    throw new CliError(`${source} line ${syntax.linePos?.[0].line ?? 1}: ${syntax.message.split("\n")[0]}`, 2);
  const root = document.contents;
  if (!isMap(root)) return fail(root, 'expected a mapping with a "labs" list (see README, "Past one machine").');
  const labs = root.get("labs", true);
  if (!isSeq(labs) || labs.items.length === 0) return fail(labs ?? root, '"labs" must be a list of at least one lab.');
  const seen = new Map<string, number>();
  return labs.items.map((item, index) => {
    const lab = parseLab(item as Node, index, fail);
    const earlier = seen.get(lab.id);
    if (earlier !== undefined) fail(item as Node, `lab ${index + 1}'s id "${lab.id}" is lab ${earlier + 1}'s too.`);
    seen.set(lab.id, index);
    return lab;
  });
}

type Fail = (node: Node | null | undefined, sentence: string) => never;

function parseLab(item: Node, index: number, fail: Fail): InventoryLab {
  const which = `lab ${index + 1}`;
  if (!isMap(item)) return fail(item, `${which} must be a mapping of id, ${NODE_NAMES.join(", ")}.`);
  for (const pair of item.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (!FIELDS.has(key))
      fail(pair.key as Node, `${which} has a field "${key}"; a lab has id, ${NODE_NAMES.join(", ")}.`);
  }
  const id = text(item.get("id", true), `${which}'s id`, item, fail);
  if (!LAB_ID.test(id)) {
    fail(
      item.get("id", true) as Node,
      `${which}'s id "${id}" must be 1 to 40 lower-case letters, digits or -, ` +
        "starting and ending with a letter or digit.",
    );
  }
  const urls = Object.fromEntries(
    NODE_NAMES.map((name) => {
      const node = item.get(name, true) as Node | undefined;
      return [
        name,
        connectionString(text(node, `lab "${id}"'s ${name}`, item, fail), `lab "${id}"'s ${name}`, node, fail),
      ];
    }),
  ) as Record<NodeName, string>;
  return { id, urls };
}

function text(node: unknown, what: string, parent: Node, fail: Fail): string {
  if (node === undefined) return fail(parent, `${what} is missing.`);
  if (!isScalar(node) || typeof node.value !== "string" || node.value === "") {
    return fail(node as Node, `${what} must be a non-empty string.`);
  }
  return node.value;
}

/** A connection string as external mode takes it: a postgres:// or postgresql:// URL naming a host. */
function connectionString(value: string, what: string, node: Node | undefined, fail: Fail): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // Reported below with the same sentence as a URL of another scheme.
  }
  if (!url || !/^postgres(ql)?:$/.test(url.protocol) || url.hostname === "") {
    const shown = value.replace(/^([a-z]+:\/\/[^:@/]*):[^@/]*@/, "$1:***@");
    return fail(
      node,
      `${what} must be a URL like postgres://postgres:PASSWORD@HOST:5432/replication; it is "${shown}".`,
    );
  }
  return value;
}
