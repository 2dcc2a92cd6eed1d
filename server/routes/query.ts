import { randomUUID } from "node:crypto";
import { Router } from "express";
import { cancelRequestSchema, queryRequestSchema } from "../../shared/api-schemas.ts";
import { CELL_NODES, type NodeStatus, type QueryResponse } from "../../shared/api-types.ts";
import { sendCancel } from "../db/cancel.ts";
import { NO_ANSWER_GRACE_MS } from "../db/limits.ts";
import { nodeDown, runCell } from "../db/run-cell.ts";
import type { NodePools } from "../db/pools.ts";
import { TypeNames } from "../db/type-names.ts";
import { DomainError, HttpError } from "../errors.ts";
import type { Lab } from "../lab/lab.ts";
import { parseBody } from "../request-body.ts";
import { RunningQueries } from "../running-queries.ts";

export interface QueryRouteOptions {
  lab: Lab;
  pools: NodePools;
  rowLimit: number;
  statementTimeoutMs: number;
}

export function queryRoutes({ lab, pools, rowLimit, statementTimeoutMs }: QueryRouteOptions): Router {
  const router = Router();
  const running = new RunningQueries();
  const typeNames = new Map(CELL_NODES.map((name) => [name, new TypeNames()]));
  const cancellers = new Map<string, AbortController>();

  /** Cancel takes no connection from the pool: with every one busy, it must still get through. */
  async function cancel(id: string): Promise<boolean> {
    const query = running.get(id);
    if (!query) return false;
    cancellers.get(id)?.abort();
    if (query.backend === undefined) return true;
    return sendCancel(query.backend);
  }

  router.post("/api/query", async (req, res) => {
    const { node, sql, id = randomUUID() } = parseBody(queryRequestSchema, req.body);
    if (running.has(id)) throw new HttpError(`A query with id "${id}" is already running.`, 409);

    let status: NodeStatus;
    try {
      status = lab.node(node);
    } catch (error) {
      // Only the standby can be missing: the lab's sentence says how to make it, or that this mode has none.
      if (!(error instanceof DomainError)) throw error;
      const body: QueryResponse = { node, results: [], error: { code: error.code, message: error.message, node } };
      res.json(body);
      return;
    }
    if (status.state !== "up") {
      const reason =
        status.state === "starting" ? `it is ${status.detail ?? "starting"}` : (status.error ?? "it is stopped");
      const body: QueryResponse = { node, results: [], error: nodeDown(node, new Error(reason)) };
      res.json(body);
      return;
    }

    const query = running.add(id, node);
    const controller = new AbortController();
    cancellers.set(id, controller);
    // A caller that goes away (a closed tab, an aborted fetch) cancels its query on the server too.
    res.on("close", () => {
      if (!res.writableFinished) void cancel(id);
    });
    try {
      const response = await runCell(pools.get(node), sql, {
        node,
        rowLimit,
        deadlineMs: statementTimeoutMs + NO_ANSWER_GRACE_MS,
        typeNames: typeNames.get(node)!,
        signal: controller.signal,
        onBackend: (backend) => {
          query.backend = backend;
          if (controller.signal.aborted) void sendCancel(backend);
        },
      });
      res.json(response);
    } finally {
      running.delete(id);
      cancellers.delete(id);
    }
  });

  router.post("/api/cancel", async (req, res) => {
    const { id } = parseBody(cancelRequestSchema, req.body);
    res.json({ id, cancelled: await cancel(id) });
  });

  return router;
}
