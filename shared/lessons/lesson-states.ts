// The state of the lab at each lesson's boundaries, as state checks: where lesson N starts is where lesson N-1
// leaves the lab. Each check a lesson adds names the cell that makes it true (`cell`, 1-based as #cell-N counts),
// the fix the page offers when it is off. The lesson replay test holds every lesson to its end state, and each
// of these checks to hold right after its cell ran.
import { FOLLOWERS, NODE_NAMES } from "../api-types.ts";
import type { StateCheck } from "./state-checks.ts";

const ALL = NODE_NAMES;
const USERS_COLUMNS = ["id", "name", "email", "created_at"];
const EVERY_ACTION = ["insert", "update", "delete", "truncate"] as const;
const SLOTS = ["usersub", "usersub3", "usersub_slave2"];

export interface LessonState {
  /** What must hold before the lesson's first cell. */
  start: StateCheck[];
  /** What holds once every cell ran: the start, with what the lesson changed. */
  end: StateCheck[];
}

/** A state from the one before it: checks of the same kind and subject as a new one are replaced by it. */
function then(before: StateCheck[], changes: StateCheck[]): StateCheck[] {
  const replaced = (old: StateCheck) => changes.some((check) => subject(check) === subject(old));
  return [
    ...before.filter((check) => !replaced(check)).map(({ cell: _made, ...check }) => check as StateCheck),
    ...changes,
  ];
}

/** What a check is about, so that a later lesson's check about the same thing replaces it. */
export function subject(check: StateCheck): string {
  switch (check.kind) {
    case "table":
      return `table:${check.table}:${check.nodes.join(",")}`;
    case "no-table":
      return `no-table:${check.tables.join(",")}:${check.nodes.join(",")}`;
    case "rows":
    case "only-subscriptions":
      return `${check.kind}:${check.node}`;
    case "publication":
      return `publication:${check.name}`;
    // slave1 and slave2 both name theirs usersub: the node tells them apart, so that lesson 7's new check of
    // slave1's does not drop slave2's, and the workshop's progress events name each on its own.
    case "subscription":
      return `subscription:${check.node}:${check.name}`;
    case "setting":
      return `setting:${check.node}:${check.name}`;
    case "no-roles":
    case "no-extensions":
      return `${check.kind}:${check.node}`;
    default:
      return check.kind;
  }
}

const fresh: StateCheck[] = [
  { kind: "up", nodes: ALL },
  { kind: "setting", node: "master", name: "wal_level", value: "logical" },
];

// Lesson 1 only looks; lesson 2 changes slave3's max_wal_senders and puts it back.
const afterLesson1 = fresh;
const afterLesson2 = then(afterLesson1, [
  { kind: "setting", node: "slave3", name: "max_wal_senders", value: "10", cell: 10 },
]);

const afterLesson3 = then(afterLesson2, [
  { kind: "table", table: "users", nodes: ALL, columns: USERS_COLUMNS, cell: 1 },
  { kind: "rows", node: "master", count: 1, cell: 4 },
  ...FOLLOWERS.map((node): StateCheck => ({ kind: "rows", node, count: 0 })),
]);

const afterLesson4 = then(afterLesson3, [
  { kind: "publication", name: "userpub", tables: ["users"], publish: EVERY_ACTION, cell: 1 },
  { kind: "only-publications", names: ["userpub"], cell: 9 },
  { kind: "no-table", tables: ["drafts"], nodes: ["master"], cell: 9 },
  ...FOLLOWERS.map((node): StateCheck => ({ kind: "only-subscriptions", node, names: [] })),
  { kind: "only-slots", names: [] },
]);

const afterLesson5 = then(
  afterLesson4.filter((check) => check.kind !== "rows"),
  [
    { kind: "subscription", node: "slave1", name: "usersub", publication: "userpub", slot: "usersub", cell: 1 },
    { kind: "subscription", node: "slave2", name: "usersub", publication: "userpub", slot: "usersub_slave2", cell: 10 },
    { kind: "subscription", node: "slave3", name: "usersub3", publication: "userpub", slot: "usersub3", cell: 11 },
    { kind: "only-subscriptions", node: "slave1", names: ["usersub"], cell: 1 },
    { kind: "only-subscriptions", node: "slave2", names: ["usersub"], cell: 10 },
    { kind: "only-subscriptions", node: "slave3", names: ["usersub3"], cell: 11 },
    { kind: "only-slots", names: SLOTS, cell: 11 },
    { kind: "rows", node: "master", count: 0, cell: 21 },
    { kind: "counts-equal", cell: 22 },
  ],
);

// Lesson 6 writes as many rows as the learner's load run: the counts must agree, whatever they are.
const afterLesson6 = then(
  afterLesson5.filter((check) => check.kind !== "rows"),
  [{ kind: "counts-equal", cell: 3 }],
);

const afterLesson7 = then(afterLesson6, [
  { kind: "publication", name: "userpub", tables: ["users"], publish: EVERY_ACTION, cell: 10 },
  {
    kind: "table",
    table: "users",
    nodes: ["master", "slave2", "slave3"],
    columns: [...USERS_COLUMNS, "nickname"],
    cell: 29,
  },
  {
    kind: "table",
    table: "users",
    nodes: ["slave1"],
    columns: [...USERS_COLUMNS, "nickname"],
    without: ["seen_on"],
    cell: 47,
  },
  { kind: "no-table", tables: ["notes", "visits"], nodes: ["master", "slave1"], cell: 48 },
  { kind: "only-publications", names: ["userpub"], cell: 48 },
  { kind: "subscription", node: "slave1", name: "usersub", publication: "userpub", slot: "usersub", cell: 45 },
  { kind: "only-subscriptions", node: "slave1", names: ["usersub"], cell: 47 },
  { kind: "no-extensions", node: "master", extensions: ["pg_walinspect"], cell: 48 },
  { kind: "no-extensions", node: "slave1", extensions: ["dblink"], cell: 47 },
  { kind: "counts-equal", cell: 49 },
]);

const afterLesson8 = then(afterLesson7, [
  { kind: "only-slots", names: SLOTS, cell: 27 },
  { kind: "setting", node: "master", name: "max_slot_wal_keep_size", value: "-1", cell: 20 },
  { kind: "only-subscriptions", node: "slave3", names: ["usersub3"], cell: 24 },
  { kind: "counts-equal", cell: 6 },
]);

const afterLesson9 = then(afterLesson8, [
  { kind: "no-table", tables: ["salaries"], nodes: ["master"], cell: 20 },
  { kind: "only-slots", names: SLOTS, cell: 20 },
  { kind: "only-subscriptions", node: "slave3", names: ["usersub3"], cell: 26 },
  { kind: "no-roles", node: "master", roles: ["plain_login", "replicator"], cell: 28 },
  { kind: "no-roles", node: "slave1", roles: ["reader", "auditor"], cell: 27 },
  { kind: "no-roles", node: "slave3", roles: ["sub_owner"], cell: 26 },
]);

// Lesson 10 works on a schema of its own and removes it, its publications and its subscriptions at the end: the
// lab is where lesson 9 left it, which its last cells make true again.
const afterLesson10 = then(afterLesson9, [
  { kind: "only-subscriptions", node: "slave1", names: ["usersub"], cell: 31 },
  { kind: "only-subscriptions", node: "slave2", names: ["usersub"], cell: 32 },
  { kind: "only-subscriptions", node: "slave3", names: ["usersub3"], cell: 33 },
  { kind: "only-slots", names: SLOTS, cell: 33 },
  { kind: "only-publications", names: ["userpub"], cell: 34 },
]);

// Lesson 11 pairs slave1 and slave2 both ways and removes the pair at the end, with both nodes' settings put back
// and restarted: the followers are as lesson 10 left them, which its last cells make true again.
const afterLesson11 = then(afterLesson10, [
  { kind: "only-subscriptions", node: "slave1", names: ["usersub"], cell: 56 },
  { kind: "only-subscriptions", node: "slave2", names: ["usersub"], cell: 57 },
  { kind: "no-table", tables: ["contacts"], nodes: ["slave1", "slave2"], cell: 57 },
  { kind: "no-extensions", node: "slave1", extensions: ["dblink"], cell: 56 },
  { kind: "no-extensions", node: "slave2", extensions: ["pg_walinspect"], cell: 57 },
  { kind: "setting", node: "slave1", name: "logical_decoding_work_mem", value: "64MB", cell: 60 },
  { kind: "setting", node: "slave1", name: "track_commit_timestamp", value: "off", cell: 60 },
  { kind: "setting", node: "slave2", name: "track_commit_timestamp", value: "off", cell: 61 },
]);

// Lesson 12 works on a schema of its own (app) and removes it, its publications, subscriptions, slots, dblink and
// synchronized_standby_slots at the end; master, stopped for the failover, is started again. The standby it makes
// (the second one, turned into a subscriber by then) is not one of the four nodes and stays until a reset.
const afterLesson12 = then(afterLesson11, [
  { kind: "only-subscriptions", node: "slave1", names: ["usersub"], cell: 16 },
  { kind: "only-subscriptions", node: "slave2", names: ["usersub"], cell: 40 },
  { kind: "no-extensions", node: "slave1", extensions: ["dblink"], cell: 59 },
  { kind: "no-extensions", node: "master", extensions: ["dblink"], cell: 60 },
  { kind: "only-slots", names: SLOTS, cell: 60 },
  { kind: "only-publications", names: ["userpub"], cell: 60 },
]);

const boundaries = [
  fresh,
  afterLesson1,
  afterLesson2,
  afterLesson3,
  afterLesson4,
  afterLesson5,
  afterLesson6,
  afterLesson7,
  afterLesson8,
  afterLesson9,
  afterLesson10,
  afterLesson11,
  afterLesson12,
];

/** Lesson `n`'s (1 to LESSON_COUNT) start and end states. */
export function lessonState(n: number): LessonState {
  const start = boundaries[n - 1];
  const end = boundaries[n];
  if (!start || !end) throw new Error(`there is no lesson ${n}`);
  return { start: start.map(({ cell: _earlier, ...check }) => check as StateCheck), end };
}

export const LESSON_COUNT = boundaries.length - 1;

/**
 * What the lesson's end state says beyond its start: the checks its own cells make true (each with the cell that
 * does), and those it adds without one cell to name (lesson 3 leaves the followers' users empty).
 */
export function builtBy(state: LessonState): StateCheck[] {
  const atStart = new Set(state.start.map((check) => JSON.stringify(check)));
  return state.end.filter(({ cell, ...check }) => cell !== undefined || !atStart.has(JSON.stringify(check)));
}
