// Reads the facts of the nodes a list of checks needs (one query each, through the bridge like any cell) and
// judges every check. The page's checklist, Run all and the lesson replay test all evaluate state this way.
import type { NodeName, QueryResponse } from "../../../shared/api-types.ts";
import type { Post } from "../../../shared/lessons/replay.ts";
import { checkNodes, judgeCheck, type CheckResult, type FactsByNode, type StateCheck } from "./checks.ts";
import { FACTS_SQL, parseFacts } from "./facts.ts";

export interface JudgedCheck extends CheckResult {
  check: StateCheck;
}

/**
 * A node's facts, or why the node couldn't give them (down, refused). When the bridge itself doesn't answer (the
 * page is being left, the lab stopped), `post` throws and so does this: nothing can be judged, and a verdict of
 * "off" would be wrong.
 */
async function readFacts(node: NodeName, post: Post): Promise<FactsByNode[NodeName]> {
  const response = await post<QueryResponse>("/api/query", { node, sql: FACTS_SQL });
  if (response.error) return { unreachable: response.error.message };
  const text = response.results.at(-1)?.rows[0]?.[0];
  return text ? parseFacts(text) : { unreachable: "it answered nothing" };
}

export async function evaluateChecks(checks: readonly StateCheck[], post: Post): Promise<JudgedCheck[]> {
  const nodes = [...new Set(checks.flatMap(checkNodes))];
  const read = await Promise.all(nodes.map(async (node) => [node, await readFacts(node, post)] as const));
  const facts: FactsByNode = Object.fromEntries(read);
  return checks.map((check) => ({ check, ...judgeCheck(check, facts) }));
}

/**
 * Evaluates until every check holds or `seconds` pass: replication takes a moment to show on the followers, as
 * a cell's `within` allows for. Returns the last evaluation.
 */
export async function evaluateUntilMet(
  checks: readonly StateCheck[],
  post: Post,
  seconds: number,
): Promise<JudgedCheck[]> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const judged = await evaluateChecks(checks, post);
    if (judged.every((result) => result.ok) || Date.now() >= deadline) return judged;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
