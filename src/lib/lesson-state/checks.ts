// State checks: what must be true of the lab at a point of a lesson, declared as data (shared/lessons/) and
// judged against the facts read from each node (facts.ts). A check that fails says what is off in the
// learner's words ("slave2 has no subscription usersub"), not what a query returned.
import { NODE_NAMES, type NodeName } from "../../../shared/api-types.ts";
import type { NodeFacts, PublicationFacts } from "./facts.ts";
import type { PublishAction, StateCheck } from "../../../shared/lessons/state-checks.ts";

// The checks' shape is declared in shared/ (the workshop hub lists them too); the page's code imports it from here.
export type { StateCheck };

/** A node's facts, or why they couldn't be read. */
export type FactsByNode = Partial<Record<NodeName, NodeFacts | { unreachable: string }>>;

export interface CheckResult {
  ok: boolean;
  /** What is off, when not ok. */
  off: string;
}

const OK: CheckResult = { ok: true, off: "" };

function off(text: string): CheckResult {
  return { ok: false, off: text };
}

/** "slave1, slave2 and slave3" */
function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** The subject of a sentence that says the nodes lack something: "no node", "slave1" or "neither a nor b". */
function noneOf(nodes: readonly string[]): string {
  if (nodes.length === 4) return "no node";
  return nodes.length === 1 ? `${nodes[0]}` : `neither ${nodes.join(" nor ")}`;
}

function quoted(names: readonly string[]): string {
  return listed(names.map((name) => `"${name}"`));
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((item) => b.includes(item));

/** In words, what the check asks for: the checklist's line. */
export function describeCheck(check: StateCheck): string {
  switch (check.kind) {
    case "up":
      return check.nodes.length === 4
        ? "all four nodes are up"
        : `${listed(check.nodes)} ${check.nodes.length === 1 ? "is" : "are"} up`;
    case "table": {
      const where = check.nodes.length === 4 ? "every node" : listed(check.nodes);
      const extra =
        check.columns.length > 0
          ? ` with ${check.columns.length === 1 ? "column" : "columns"} ${listed(check.columns)}`
          : "";
      const without = check.without?.length ? ` (and no ${listed(check.without)})` : "";
      return `${where} has the table ${check.table}${extra}${without}`;
    }
    case "no-table":
      return (
        `${noneOf(check.nodes)} ` +
        `has ${check.nodes.length === 1 ? "no " : ""}${check.tables.length === 1 ? "table" : "tables"} ` +
        `${listed(check.tables)}`
      );
    case "rows":
      return `${check.node}'s users holds ${check.count} row${check.count === 1 ? "" : "s"}`;
    case "counts-equal":
      return "users holds the same number of rows on all four nodes";
    case "publication":
      return `master publishes ${listed(check.tables)} as ${check.name} (${check.publish.join(", ")})`;
    case "only-publications":
      return check.names.length === 0
        ? "master has no publication"
        : `master has no publication but ${quoted(check.names)}`;
    case "subscription":
      return (
        `${check.node} subscribes to ${check.publication} (subscription ${check.name}, slot ${check.slot}), ` +
        `and its worker runs`
      );
    case "only-subscriptions":
      return check.names.length === 0
        ? `${check.node} has no subscription`
        : `${check.node} has no subscription but ${quoted(check.names)}`;
    case "only-slots":
      return check.names.length === 0
        ? "master has no replication slot"
        : `master's slots are ${quoted(check.names)}, all active`;
    case "setting":
      return `${check.name} is ${check.value} on ${check.node}`;
    case "no-roles":
      return `${check.node} has no role ${listed(check.roles)}`;
    case "no-extensions":
      return `${check.node} has no extension ${listed(check.extensions)}`;
  }
}

/** The nodes a check reads. */
export function checkNodes(check: StateCheck): NodeName[] {
  switch (check.kind) {
    case "up":
    case "table":
    case "no-table":
      return [...check.nodes];
    case "counts-equal":
      return [...NODE_NAMES];
    case "publication":
    case "only-publications":
    case "only-slots":
      return ["master"];
    default:
      return [check.node];
  }
}

function publicationOff(
  check: Extract<StateCheck, { kind: "publication" }>,
  found: PublicationFacts | undefined,
): string | null {
  if (!found) return `master has no publication ${check.name}`;
  if (!sameSet(found.tables, check.tables)) {
    return (
      `${check.name} publishes ${found.tables.length ? listed(found.tables) : "no table"}, not ` +
      `${listed(check.tables)}`
    );
  }
  const actions = (Object.keys(found.publish) as PublishAction[]).filter((action) => found.publish[action]);
  if (!sameSet(actions, check.publish))
    return (
      `${check.name} publishes ${actions.length ? actions.join(", ") : "no action"}, not ` +
      `${check.publish.join(", ")}`
    );
  return null;
}

function judgeOn(check: StateCheck, node: NodeName, facts: NodeFacts): string | null {
  switch (check.kind) {
    case "up":
    case "counts-equal":
      return null;
    case "table": {
      const columns = facts.tables[check.table];
      if (!columns) return `${node} has no table ${check.table}`;
      const missing = check.columns.filter((column) => !columns.includes(column));
      if (missing.length) return `${node}'s ${check.table} has no column ${listed(missing)}`;
      const extra = (check.without ?? []).filter((column) => columns.includes(column));
      return extra.length ? `${node}'s ${check.table} has the column ${listed(extra)}` : null;
    }
    case "no-table": {
      const present = check.tables.filter((table) => facts.tables[table]);
      return present.length ? `${node} has ${present.length === 1 ? "a table" : "tables"} ${listed(present)}` : null;
    }
    case "rows":
      if (facts.users === null) return `${node} has no table users`;
      return facts.users === check.count
        ? null
        : `${node}'s users holds ${facts.users} row${facts.users === 1 ? "" : "s"}, not ${check.count}`;
    case "publication":
      return publicationOff(
        check,
        facts.publications.find((p) => p.name === check.name),
      );
    case "only-publications": {
      const extra = facts.publications.map((p) => p.name).filter((name) => !check.names.includes(name));
      return extra.length ? `master also has the publication${extra.length === 1 ? "" : "s"} ${quoted(extra)}` : null;
    }
    case "subscription": {
      const found = facts.subscriptions.find((s) => s.name === check.name);
      if (!found) return `${node} has no subscription ${check.name}`;
      if (!sameSet(found.publications, [check.publication]))
        return `${node}'s ${check.name} subscribes to ${quoted(found.publications)}, not "${check.publication}"`;
      if (found.slot !== check.slot)
        return (
          `${node}'s ${check.name} uses ${found.slot === null ? "no slot" : `the slot ${found.slot}`}, not ` +
          `${check.slot}`
        );
      if (!found.enabled) return `${node}'s ${check.name} is disabled`;
      return found.workerRunning
        ? null
        : `${node}'s ${check.name} has no apply worker running (see its log, or the subscription's health)`;
    }
    case "only-subscriptions": {
      const extra = facts.subscriptions.map((s) => s.name).filter((name) => !check.names.includes(name));
      return extra.length ? `${node} also has the subscription${extra.length === 1 ? "" : "s"} ${quoted(extra)}` : null;
    }
    case "only-slots": {
      const names = facts.slots.map((slot) => slot.name);
      const extra = names.filter((name) => !check.names.includes(name));
      if (extra.length) return `master also has the slot${extra.length === 1 ? "" : "s"} ${quoted(extra)}`;
      const missing = check.names.filter((name) => !names.includes(name));
      if (missing.length) return `master has no slot ${quoted(missing)}`;
      const idle = facts.slots.filter((slot) => !slot.active).map((slot) => slot.name);
      return idle.length
        ? `no subscriber is using the slot${idle.length === 1 ? "" : "s"} ${quoted(idle)} right now`
        : null;
    }
    case "setting": {
      const setting = facts.settings[check.name];
      if (!setting) return `${node} doesn't report ${check.name}`;
      if (setting.value !== check.value) return `${check.name} is ${setting.value} on ${node}, not ${check.value}`;
      return setting.pendingRestart ? `${node} waits for a restart to apply a new ${check.name}` : null;
    }
    case "no-roles": {
      const present = check.roles.filter((role) => facts.roles.includes(role));
      return present.length ? `${node} still has the role${present.length === 1 ? "" : "s"} ${listed(present)}` : null;
    }
    case "no-extensions": {
      const present = check.extensions.filter((extension) => facts.extensions.includes(extension));
      return present.length
        ? `${node} still has the extension${present.length === 1 ? "" : "s"} ${listed(present)}`
        : null;
    }
  }
}

/**
 * Judges one check against what was read from the nodes. A node that couldn't be read fails every check that needs it.
 */
export function judgeCheck(check: StateCheck, facts: FactsByNode): CheckResult {
  const problems: string[] = [];
  for (const node of checkNodes(check)) {
    const found = facts[node];
    if (!found) problems.push(`${node} was not read`);
    else if ("unreachable" in found) problems.push(`${node} is down (${found.unreachable})`);
    else {
      const problem = judgeOn(check, node, found);
      if (problem) problems.push(problem);
    }
  }
  if (problems.length) return off(problems.join("; "));
  if (check.kind === "counts-equal") {
    const counts = checkNodes(check).map((node) => [node, (facts[node] as NodeFacts).users] as const);
    if (counts.some(([, count]) => count === null))
      return off(`${listed(counts.filter(([, c]) => c === null).map(([n]) => n))} ${"has no table users"}`);
    const distinct = new Set(counts.map(([, count]) => count));
    if (distinct.size > 1)
      return off(`the counts differ: ${counts.map(([node, count]) => `${node} ${count}`).join(", ")}`);
  }
  return OK;
}
