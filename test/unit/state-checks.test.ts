// The state checks' judgement, on facts as the nodes report them: each kind says what is off in words.
import { describe, expect, it } from "vitest";
import { NODE_NAMES } from "../../shared/api-types.ts";
import { describeCheck, judgeCheck, type FactsByNode, type StateCheck } from "../../src/lib/lesson-state/checks.ts";
import type { NodeFacts } from "../../src/lib/lesson-state/facts.ts";
import { builtBy, LESSON_COUNT, lessonState, subject } from "../../src/lib/lesson-state/lesson-states.ts";
import { readLessons } from "../../server/lesson-start/lessons.ts";

function facts(patch: Partial<NodeFacts> = {}): NodeFacts {
  return {
    tables: { users: ["id", "name", "email", "created_at"] },
    users: 0,
    publications: [],
    subscriptions: [],
    slots: [],
    settings: {
      wal_level: { value: "logical", pendingRestart: false },
      max_wal_senders: { value: "10", pendingRestart: false },
    },
    roles: [],
    extensions: [],
    ...patch,
  };
}

function lab(patches: Partial<Record<(typeof NODE_NAMES)[number], Partial<NodeFacts>>> = {}): FactsByNode {
  return Object.fromEntries(NODE_NAMES.map((node) => [node, facts(patches[node])]));
}

const subscribed: StateCheck = {
  kind: "subscription",
  node: "slave2",
  name: "usersub",
  publication: "userpub",
  slot: "usersub_slave2",
};
const sub = {
  name: "usersub",
  enabled: true,
  publications: ["userpub"],
  slot: "usersub_slave2",
  disableOnError: false,
  workerRunning: true,
};

describe("judging a state check", () => {
  it("says which follower has no subscription, is disabled, or has no worker", () => {
    expect(judgeCheck(subscribed, lab())).toEqual({ ok: false, off: "slave2 has no subscription usersub" });
    expect(judgeCheck(subscribed, lab({ slave2: { subscriptions: [{ ...sub, enabled: false }] } })).off).toBe(
      "slave2's usersub is disabled",
    );
    expect(judgeCheck(subscribed, lab({ slave2: { subscriptions: [{ ...sub, workerRunning: false }] } })).off).toMatch(
      /^slave2's usersub has no apply worker running/,
    );
    expect(judgeCheck(subscribed, lab({ slave2: { subscriptions: [{ ...sub, slot: "usersub" }] } })).off).toBe(
      "slave2's usersub uses the slot usersub, not usersub_slave2",
    );
    expect(judgeCheck(subscribed, lab({ slave2: { subscriptions: [sub] } }))).toEqual({ ok: true, off: "" });
  });

  it("counts rows, and tells counts that differ apart from a missing table", () => {
    expect(judgeCheck({ kind: "rows", node: "master", count: 1 }, lab({ master: { users: 2 } })).off).toBe(
      "master's users holds 2 rows, not 1",
    );
    expect(
      judgeCheck({ kind: "rows", node: "master", count: 1 }, lab({ master: { users: null, tables: {} } })).off,
    ).toBe("master has no table users");
    expect(judgeCheck({ kind: "counts-equal" }, lab({ master: { users: 3 } })).off).toBe(
      "the counts differ: master 3, slave1 0, slave2 0, slave3 0",
    );
    expect(judgeCheck({ kind: "counts-equal" }, lab()).ok).toBe(true);
  });

  it("fails a check whose node is down, and says so", () => {
    const down = { ...lab(), slave3: { unreachable: "nothing answers at 127.0.0.1:54324" } };
    expect(judgeCheck({ kind: "counts-equal" }, down).off).toBe("slave3 is down (nothing answers at 127.0.0.1:54324)");
    expect(judgeCheck({ kind: "rows", node: "master", count: 0 }, down).ok).toBe(true);
  });

  it("names what is extra: publications, subscriptions, slots, roles, tables, columns", () => {
    expect(
      judgeCheck(
        { kind: "only-publications", names: ["userpub"] },
        lab({
          master: {
            publications: [
              { name: "draftpub", tables: [], publish: { insert: true, update: true, delete: true, truncate: true } },
            ],
          },
        }),
      ).off,
    ).toBe('master also has the publication "draftpub"');
    expect(
      judgeCheck({ kind: "only-subscriptions", node: "slave1", names: [] }, lab({ slave1: { subscriptions: [sub] } }))
        .off,
    ).toBe('slave1 also has the subscription "usersub"');
    expect(
      judgeCheck(
        { kind: "only-slots", names: ["usersub"] },
        lab({ master: { slots: [{ name: "usersub", active: false, walStatus: "reserved" }] } }),
      ).off,
    ).toBe('no subscriber is using the slot "usersub" right now');
    expect(
      judgeCheck(
        { kind: "no-roles", node: "slave1", roles: ["reader", "auditor"] },
        lab({ slave1: { roles: ["auditor"] } }),
      ).off,
    ).toBe("slave1 still has the role auditor");
    expect(
      judgeCheck(
        { kind: "no-table", tables: ["drafts"], nodes: ["master"] },
        lab({ master: { tables: { drafts: ["body"] } } }),
      ).off,
    ).toBe("master has a table drafts");
    const table: StateCheck = {
      kind: "table",
      table: "users",
      nodes: ["slave1"],
      columns: ["nickname"],
      without: ["seen_on"],
    };
    expect(judgeCheck(table, lab()).off).toBe("slave1's users has no column nickname");
    expect(judgeCheck(table, lab({ slave1: { tables: { users: ["nickname", "seen_on"] } } })).off).toBe(
      "slave1's users has the column seen_on",
    );
  });

  it("judges a publication's tables and actions", () => {
    const check: StateCheck = {
      kind: "publication",
      name: "userpub",
      tables: ["users"],
      publish: ["insert", "update", "delete", "truncate"],
    };
    const userpub = {
      name: "userpub",
      tables: ["users"],
      publish: { insert: true, update: true, delete: true, truncate: false },
    };
    expect(judgeCheck(check, lab({ master: { publications: [userpub] } })).off).toBe(
      "userpub publishes insert, update, delete, not insert, update, delete, truncate",
    );
    expect(describeCheck(check)).toBe("master publishes users as userpub (insert, update, delete, truncate)");
    expect(describeCheck({ kind: "no-table", tables: ["drafts"], nodes: ["master"] })).toBe(
      "master has no table drafts",
    );
    expect(describeCheck({ kind: "no-table", tables: ["notes", "visits"], nodes: ["master", "slave1"] })).toBe(
      "neither master nor slave1 has tables notes and visits",
    );
  });

  it("a setting waiting for a restart is not yet the setting", () => {
    const check: StateCheck = { kind: "setting", node: "slave3", name: "max_wal_senders", value: "10" };
    expect(
      judgeCheck(check, lab({ slave3: { settings: { max_wal_senders: { value: "10", pendingRestart: true } } } })).off,
    ).toBe("slave3 waits for a restart to apply a new max_wal_senders");
  });
});

describe("the lessons' declared states", async () => {
  const lessons = await readLessons();

  it("declares a start and an end for every lesson, each lesson starting where the one before ends", () => {
    expect(LESSON_COUNT).toBe(lessons.length);
    for (let n = 2; n <= LESSON_COUNT; n++) {
      const strip = (checks: StateCheck[]) => checks.map(({ cell: _cell, ...check }) => check);
      expect(strip(lessonState(n).start)).toEqual(strip(lessonState(n - 1).end));
    }
  });

  it("names as a check's fix a cell that exists and runs on a node the check reads", () => {
    for (const [i, lesson] of lessons.entries()) {
      for (const check of builtBy(lessonState(i + 1)).filter((made) => made.cell !== undefined)) {
        const step = lesson.steps[check.cell! - 1];
        expect(step, `${lesson.file}: cell ${check.cell} (${describeCheck(check)})`).toBeDefined();
        expect(step!.kind, `${lesson.file}: cell ${check.cell}`).toBe("sql");
      }
    }
  });

  it("keeps each follower's subscription apart: lesson 7 re-making slave1's leaves slave2's", () => {
    const subscriptions = (n: number) =>
      lessonState(n)
        .end.filter((check) => check.kind === "subscription")
        .map((check) => (check.kind === "subscription" ? `${check.node}:${check.name}` : ""))
        .sort();
    expect(subscriptions(5)).toEqual(["slave1:usersub", "slave2:usersub", "slave3:usersub3"]);
    for (let n = 6; n <= LESSON_COUNT; n++) expect(subscriptions(n), `lesson ${n}`).toEqual(subscriptions(5));
  });

  it("gives every check of a state its own subject, so that a progress event names one check", () => {
    for (let n = 1; n <= LESSON_COUNT; n++) {
      const subjects = lessonState(n).end.map(subject);
      expect(new Set(subjects).size, `lesson ${n}: ${subjects.join(" ")}`).toBe(subjects.length);
    }
  });
});
