import express, { type NextFunction, type Request, type Response } from "express";
import type { ApiError } from "../src/lib/api-types.ts";
import { NodePools } from "./db/pools.ts";
import { HttpError } from "./errors.ts";
import type { Lab } from "./lab/lab.ts";
import { labRoutes } from "./routes/lab.ts";
import { queryRoutes } from "./routes/query.ts";
import { checkApiAccess, checkHost, requireJson } from "./security.ts";
import { siteRoutes } from "./site.ts";

export interface AppOptions {
  lab: Lab;
  token: string;
  siteDir: string;
  statementTimeoutMs: number;
  rowLimit: number;
  /** The port the bridge listens on, known once it listens (tests use port 0). Host and Origin are checked against it. */
  port: () => number;
}

export const BODY_LIMIT = "256kb";

/** The bridge: the built site and the JSON API on one origin. `listen` is the caller's business. */
export function createApp(options: AppOptions) {
  const { lab, token, port } = options;
  const pools = new NodePools(lab, { statementTimeoutMs: options.statementTimeoutMs });
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use((_req, res, next) => {
    res.set({ "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY" });
    next();
  });
  app.use(checkHost(port));
  app.use("/api", checkApiAccess(token, port), requireJson, express.json({ limit: BODY_LIMIT, strict: true }));
  app.use(labRoutes(lab));
  app.use(queryRoutes({ lab, pools, rowLimit: options.rowLimit, statementTimeoutMs: options.statementTimeoutMs }));
  app.use("/api", (req, _res, next) => next(new HttpError(`No such API: ${req.method} ${req.originalUrl}`, 404)));
  app.use(siteRoutes(options.siteDir, token));
  app.use(errorHandler);
  return { app, close: () => pools.end() };
}

/** Every failure becomes JSON with a status and a sentence; stack traces stay in the terminal. */
function errorHandler(error: unknown, _req: Request, res: Response, _next: NextFunction) {
  let status = 500;
  let message = "The bridge failed to answer; see the terminal running npm start.";
  let code: string | undefined;
  if (error instanceof HttpError) {
    ({ status, message, code } = error);
  } else if (isBodyParserError(error)) {
    status = error.status;
    message =
      error.type === "entity.too.large"
        ? `The request body is larger than ${BODY_LIMIT}.`
        : error.type === "entity.parse.failed"
          ? "The request body is not valid JSON."
          : error.message;
  } else {
    console.error("bridge error:", error);
  }
  if (res.headersSent) return void res.end();
  const body: ApiError = { error: code ? { status, message, code } : { status, message } };
  res.status(status).json(body);
}

function isBodyParserError(error: unknown): error is { status: number; type: string; message: string } {
  return typeof error === "object" && error !== null && "type" in error && "status" in error;
}
