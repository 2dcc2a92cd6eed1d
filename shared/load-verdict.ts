// The words of a load run's verdict, shared by the bridge's load runs (server/load-run/), the page and
// `npm run load`, so that all say the same thing.
// The verdict tells lost writes (master, or a follower subscribed and streaming, lacks acknowledged rows) from
// followers that never received them: not subscribed to userpub, subscription disabled, apply worker failing.
import type { FollowerLink, LoadNodeOutcome, LoadOutcome, LoadSummary, LoadVerdict } from "./api-types.ts";

/** How long the verdict waits for followers to apply the run's rows. */
export const CATCH_UP_LIMIT_S = 30;
const FROM_KNOWN_STATE = "or use “Start this lesson from a known state” at the top of lesson 6's page";

type Format = (n: number) => string;

/**
 * Master's gain is right when acknowledged <= gained <= acknowledged + unknown: every acknowledged write is
 * there, and the only extra rows are writes whose answer was lost (committed, but never acknowledged).
 */
export function withinBounds(gained: number | null, summary: Pick<LoadSummary, "ok" | "unknown">): boolean {
  return gained !== null && gained >= summary.ok && gained <= summary.ok + summary.unknown;
}

/** A follower that is up and subscribed and streaming: the only kind of follower that can lose a write. */
function isHealthy(link: FollowerLink | null | undefined): boolean {
  return link?.state === "streaming";
}

/** A follower that is up and lacks rows master has. */
function lacking(node: LoadNodeOutcome): boolean {
  return node.name !== "master" && node.state === "up" && node.caughtUpMs === null;
}

/** The verdict's outcome from where each node stands (see LoadOutcome). */
export function judgeOutcome(nodes: LoadNodeOutcome[], summary: Pick<LoadSummary, "ok" | "unknown">): LoadOutcome {
  const master = nodes.find((node) => node.name === "master");
  const gained = master?.gained ?? null;
  if (gained === null || gained < summary.ok) return "lost";
  if (!withinBounds(gained, summary)) return "extra";
  const behind = nodes.filter(lacking);
  if (behind.some((node) => isHealthy(node.link))) return "lost";
  return behind.length > 0 ? "unreplicated" : "replicated";
}

export function verdictHeadline(verdict: LoadVerdict, format: Format = String): string {
  switch (verdict.outcome) {
    case "replicated":
      return replicatedHeadline(verdict, format);
    case "unreplicated":
      return unreplicatedHeadline(verdict);
    case "lost":
      return lostHeadline(verdict, format);
    case "extra": {
      const gained = verdict.nodes[0]?.gained ?? 0;
      return (
        `✗ master gained ${format(gained)} rows, more than the ${format(verdict.acknowledged)} acknowledged ` +
        `writes and ${format(verdict.unknown)} of unknown outcome: something else wrote to users during the ` +
        `run.`
      );
    }
  }
}

function replicatedHeadline(verdict: LoadVerdict, format: Format): string {
  const notUp = verdict.nodes.filter((node) => node.state !== "up");
  const state = notUp.every((node) => node.state === "down") ? "down" : "not up";
  const everyNode =
    notUp.length === 0
      ? "every node has them"
      : `every node that is up has them (${names(notUp.map((node) => node.name))} ` +
        `${notUp.length === 1 ? "is" : "are"} ${state})`;
  const headline = `✓ Nothing lost: ${format(verdict.acknowledged)} acknowledged writes, and ${everyNode}.`;
  const gained = verdict.nodes[0]?.gained;
  if (verdict.unknown === 0 || gained === null || gained === undefined) return headline;
  return (
    `${headline} Of ${format(verdict.unknown)} writes whose outcome was unknown, ` +
    `${format(gained - verdict.acknowledged)} were committed.`
  );
}

function lostHeadline(verdict: LoadVerdict, format: Format): string {
  const master = verdict.nodes.find((node) => node.name === "master");
  if (master?.gained === null || master?.gained === undefined)
    return "✗ master could not be counted after the run, so the writes can't be checked.";
  if (master.gained < verdict.acknowledged) {
    return (
      `✗ Writes lost: master gained ${format(master.gained)} rows for ${format(verdict.acknowledged)} ` +
      `acknowledged writes.`
    );
  }
  const behind = verdict.nodes.filter((node) => lacking(node) && isHealthy(node.link));
  const one = behind.length === 1;
  return (
    `✗ Writes lost: ${names(behind.map((node) => node.name))} ${one ? "is" : "are"} subscribed to ` +
    `userpub and streaming, yet ` +
    `${one ? "lacks" : "lack"} acknowledged writes ${CATCH_UP_LIMIT_S} s after the run.`
  );
}

/** What is wrong with each follower that lacks the rows, one sentence per kind, and the way back. */
function unreplicatedHeadline(verdict: LoadVerdict): string {
  const behind = verdict.nodes.filter(lacking);
  const nodesIn = (state: FollowerLink["state"] | "unknown") =>
    behind.filter((node) => (node.link?.state ?? "unknown") === state);
  const of = (state: FollowerLink["state"] | "unknown") => nodesIn(state).map((node) => node.name);
  // What lessons 4 and 5 set up comes first, with the way to get it; then what broke after it was set up.
  const setUp: string[] = [];
  const none = of("none");
  if (none.length > 0) setUp.push(notSubscribed(none, verdict.publication === false));
  if (nodesIn("disabled").length > 0) setUp.push(disabledSubscriptions(nodesIn("disabled")));
  const broken: string[] = [];
  const stopped = nodesIn("stopped");
  if (stopped.length > 0)
    broken.push(
      notApplying(stopped, "subscription has no apply worker running", "subscriptions have no apply worker running"),
    );
  const failing = nodesIn("failing");
  if (failing.length > 0)
    broken.push(notApplying(failing, "apply worker failed during the run", "apply workers failed during the run"));
  const unknown = of("unknown");
  if (unknown.length > 0)
    broken.push(
      `${names(unknown)} ${unknown.length === 1 ? "is" : "are"} not caught up, and ` +
        `${unknown.length === 1 ? "its" : "their"} subscription could not be looked at`,
    );
  const sentences = setUp.length > 0 ? [`${setUp.join(". ")} (${FROM_KNOWN_STATE})`, ...broken] : broken;
  return `✗ ${sentences.join(". ")}.`;
}

/** What the headline leaves out: when followers lacked the rows without any being lost, which nodes have them all. */
export function verdictNote(verdict: LoadVerdict, format: Format = String): string | undefined {
  if (verdict.outcome !== "unreplicated") return undefined;
  const whole = verdict.nodes.filter((node) => node.state === "up" && !lacking(node)).map((node) => node.name);
  return (
    `Nothing was lost: ${names(whole)} ${whole.length === 1 ? "has" : "have"} all ` +
    `${format(verdict.acknowledged)} acknowledged writes.`
  );
}

function disabledSubscriptions(nodes: LoadNodeOutcome[]): string {
  const one = nodes.length === 1;
  const enable = one
    ? `ALTER SUBSCRIPTION ${nodes[0]!.link!.subscription} ENABLE on ${nodes[0]!.name}`
    : "ALTER SUBSCRIPTION ... ENABLE on each";
  return (
    `${possessive(nodes.map((node) => node.name))} subscription${one ? " is" : "s are"} disabled, so ` +
    `${one ? "it" : "they"} did not ` +
    `receive these rows: ${enable} turns ${one ? "it" : "them"} back on`
  );
}

function notApplying(nodes: LoadNodeOutcome[], one: string, several: string): string {
  const single = nodes.length === 1;
  const why = nodes.every((node) => node.link?.lastError)
    ? `${single ? "its" : "their"} last error, below, says why`
    : `${single ? "its" : "their"} server log says why`;
  return (
    `${possessive(nodes.map((node) => node.name))} ${single ? one : several}, so ` +
    `${single ? "it" : "they"} stopped applying changes: ` +
    `${why} (lesson 7 shows the ways past an apply error)`
  );
}

function notSubscribed(nodes: string[], noPublication: boolean): string {
  const one = nodes.length === 1;
  const lead =
    `${names(nodes)} ${one ? "is" : "are"} not subscribed to userpub, so ${one ? "it" : "they"} never ` +
    `received these rows`;
  if (noPublication)
    return `${lead}: master has no publication userpub either; lesson 4 creates it and lesson 5 the subscriptions`;
  return `${lead}: lesson 5 creates ${one ? "its subscription" : "their subscriptions"}`;
}

/** Where one node stands after the run, in a few words. */
export function nodeOutcome(node: LoadNodeOutcome, format: Format = String): string {
  if (node.name === "master") return node.state === "up" ? "the publisher" : `${node.state}`;
  if (node.state !== "up") {
    const link = node.link;
    if (link?.state === "none")
      return `${node.state}, and not subscribed to userpub: starting it won't bring these rows`;
    if (link?.state === "disabled") return `${node.state}, and its subscription ${link.subscription} is disabled`;
    return `${node.state}: it catches up when started`;
  }
  if (node.caughtUpMs !== null) return `caught up ${node.caughtUpMs} ms after the last acknowledged write`;
  const why = linkWords(node.link);
  return node.behind === null ? why : `${format(node.behind)} rows behind master: ${why}`;
}

/** Why a follower that is up lacks the rows, from its subscription to userpub. */
function linkWords(link: FollowerLink | null | undefined): string {
  if (!link) return `not caught up within ${CATCH_UP_LIMIT_S} s, and its subscription could not be looked at`;
  const error = link.lastError ? `; last error: ${link.lastError}` : "";
  const errors = `${link.errorsDuringRun} apply error${link.errorsDuringRun === 1 ? "" : "s"} during the run`;
  switch (link.state) {
    case "none":
      return "not subscribed to userpub";
    case "disabled":
      return `subscription ${link.subscription} is disabled${error}`;
    case "stopped":
      return (
        `subscription ${link.subscription} has no apply worker ` +
        `running${link.errorsDuringRun > 0 ? ` (${errors})` : ""}${error}`
      );
    case "failing":
      return `subscription ${link.subscription}'s apply worker failed (${errors})${error}`;
    case "streaming":
      return `subscribed (${link.subscription}) and streaming, yet not caught up within ${CATCH_UP_LIMIT_S} s`;
  }
}

/** "slave2", "slave2 and slave3", "slave1, slave2 and slave3". */
function names(list: string[]): string {
  if (list.length <= 1) return list[0] ?? "no node";
  return `${list.slice(0, -1).join(", ")} and ${list.at(-1)}`;
}

function possessive(list: string[]): string {
  return names(list.map((name) => `${name}'s`));
}
