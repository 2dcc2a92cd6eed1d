// One cell's SQL sent to each of its nodes at once. A node whose call fails (the bridge unreachable, the call
// aborted) gets an answer of its own saying so, so one node never hides the others' answers.
import { BRIDGE_CODES, type CellNode, type QueryRequest, type QueryResponse } from "../../../shared/api-types.ts";
import { api } from "../lab-client.ts";

export interface NodeQueryOptions {
  /** One id per node, for `POST /api/cancel`. */
  ids?: string[];
  /** Aborting it drops the calls, and the bridge cancels their statements on the server. */
  signal?: AbortSignal;
}

export function queryNodes(
  nodes: readonly CellNode[],
  sql: string,
  options: NodeQueryOptions = {},
): Promise<QueryResponse[]> {
  return Promise.all(
    nodes.map((node, i) => {
      const id = options.ids?.[i];
      const body: QueryRequest = id ? { node, sql, id } : { node, sql };
      return api<QueryResponse>("/api/query", body, options.signal).catch((error: Error): QueryResponse => ({
        node,
        results: [],
        error: { code: BRIDGE_CODES.unreachable, message: error.message, node },
      }));
    }),
  );
}
