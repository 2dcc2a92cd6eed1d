import { describe, expect, it } from "vitest";
import { lastApplyError } from "../../server/load-run/apply-errors.ts";
import { judgeLink, mayCatchUp, type SubscriptionRow } from "../../server/load-run/follower-links.ts";
import { pattern } from "../support/pattern.ts";

// Lines as PostgreSQL 18.4 wrote them in a lab node's log (default log_line_prefix '%m [%p] ').
const CONFLICT = [
  '2026-11-26 11:45:19.544 UTC [5070] LOG:  logical replication apply worker for subscription "usersub" has started',
  "2026-11-26 11:45:19.555 UTC [5073] LOG:  logical replication table synchronization worker for " +
    'subscription "usersub", table "users" has started',
  "2026-11-26 11:45:19.577 UTC [5073] LOG:  logical replication table synchronization worker for " +
    'subscription "usersub", table "users" has finished',
  '2026-11-26 11:46:38.530 UTC [5070] ERROR:  conflict detected on relation "public.users": conflict=insert_exists',
  '2026-11-26 11:46:38.530 UTC [5070] DETAIL:  Key already exists in unique index "users_pkey", ' +
    "modified in transaction 1106.",
  "\tKey (id)=(501); existing local row (501, x, y, 2026-11-26 11:46:38.487109+00); remote row (501, " +
    "x, y, 2026-11-26 11:46:38.523645+00).",
  "2026-11-26 11:46:38.530 UTC [5070] CONTEXT:  processing remote data for replication origin " +
    '"pg_16399" during message type "INSERT" for replication target relation "public.users" in ' +
    "transaction 1101, finished at 0/1BF6570",
  '2026-11-26 11:46:38.532 UTC [3658] LOG:  background worker "logical replication apply worker" (PID ' +
    "5070) exited with exit code 1",
];
const REFUSED = [
  '2026-11-26 11:52:17.419 UTC [16014] LOG:  logical replication apply worker for subscription "usersub2" has started',
  '2026-11-26 11:52:17.433 UTC [16014] ERROR:  apply worker for subscription "usersub2" could not ' +
    'connect to the publisher: connection to server at "127.0.0.1", port 55520 failed: FATAL:  password ' +
    'authentication failed for user "postgres"',
  '2026-11-26 11:52:17.434 UTC [14333] LOG:  background worker "logical replication apply worker" (PID ' +
    "16014) exited with exit code 1",
];
const DISABLED_ON_ERROR = [
  '2026-11-26 11:52:13.669 UTC [15887] LOG:  logical replication apply worker for subscription "usersub" has started',
  '2026-11-26 11:52:13.772 UTC [15887] ERROR:  conflict detected on relation "public.users": conflict=insert_exists',
  '2026-11-26 11:52:13.772 UTC [15887] LOG:  subscription "usersub" has been disabled because of an error',
];

describe("a subscription's last error, from its node's server log", () => {
  it("is the last ERROR one of its workers logged", () => {
    expect(lastApplyError(CONFLICT, "usersub")).toEqual({
      lastError: 'ERROR: conflict detected on relation "public.users": conflict=insert_exists',
      disabledByError: false,
    });
    expect(lastApplyError([...CONFLICT, ...REFUSED], "usersub2").lastError).toMatch(
      pattern(
        String.raw`^ERROR: apply worker for subscription "usersub2" could not connect `,
        String.raw`to the publisher: .*password authentication failed`,
      ),
    );
  });

  it("is none for another subscription, or for an error of a backend that reused an exited worker's process id", () => {
    expect(lastApplyError(CONFLICT, "usersub3")).toEqual({ disabledByError: false });
    const reused = [...REFUSED, '2026-11-26 12:00:00.000 UTC [16014] ERROR:  relation "nope" does not exist'];
    expect(lastApplyError(reused, "usersub2").lastError).toContain("could not connect to the publisher");
  });

  it("says when the error disabled the subscription (disable_on_error)", () => {
    expect(lastApplyError(DISABLED_ON_ERROR, "usersub")).toEqual({
      lastError: 'ERROR: conflict detected on relation "public.users": conflict=insert_exists',
      disabledByError: true,
    });
  });
});

const row = (name: string, enabled: boolean, workerRunning: boolean, errors = 0): SubscriptionRow => ({
  name,
  enabled,
  workerRunning,
  errors,
});

describe("a follower's link to userpub", () => {
  it("is none without a subscription to it, and the verdict doesn't wait for such a follower", () => {
    const link = judgeLink([], []);
    expect(link).toEqual({ state: "none", errorsDuringRun: 0 });
    expect(mayCatchUp(link)).toBe(false);
  });

  it("is streaming, failing, stopped or disabled from the subscription and the errors counted during the run", () => {
    expect(judgeLink([row("usersub", true, true, 2)], [row("usersub", true, true, 2)])).toEqual({
      state: "streaming",
      subscription: "usersub",
      errorsDuringRun: 0,
    });
    expect(judgeLink([row("usersub", true, true, 5)], [row("usersub", true, true, 2)])).toEqual({
      state: "failing",
      subscription: "usersub",
      errorsDuringRun: 3,
    });
    expect(judgeLink([row("usersub", true, false, 5)], [row("usersub", true, true, 2)])).toEqual({
      state: "stopped",
      subscription: "usersub",
      errorsDuringRun: 3,
    });
    expect(judgeLink([row("usersub", false, false)], null)).toEqual({
      state: "disabled",
      subscription: "usersub",
      errorsDuringRun: 0,
    });
  });

  it("is judged by the best of several subscriptions to userpub", () => {
    expect(judgeLink([row("a", false, false), row("b", true, true)], null).subscription).toBe("b");
  });

  it("is waited for while its apply worker may still come, not once it fails over and over", () => {
    expect(mayCatchUp(null)).toBe(true);
    expect(mayCatchUp({ state: "stopped", subscription: "s", errorsDuringRun: 0 })).toBe(true);
    expect(mayCatchUp({ state: "stopped", subscription: "s", errorsDuringRun: 2 })).toBe(false);
    expect(mayCatchUp({ state: "disabled", subscription: "s", errorsDuringRun: 0 })).toBe(false);
  });
});
