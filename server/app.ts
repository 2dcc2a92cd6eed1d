import express, { type NextFunction, type Request, type Response } from "express";
import type { WorkshopLab } from "../shared/api-types.ts";
import { NodePools } from "./db/pools.ts";
import { HttpError, oneLine } from "./errors.ts";
import { isFailure, sendError, toHttpError } from "./http-errors.ts";
import type { Lab } from "./lab/lab.ts";
import { LoadController } from "./load-run/controller.ts";
import { FollowerLinks } from "./load-run/follower-links.ts";
import type { LoadQueue } from "./load-run/queue.ts";
import { SubscriptionWatch } from "./lab/subscription-watch.ts";
import { Monitor } from "./monitor/monitor.ts";
import { labRoutes } from "./routes/lab.ts";
import { lessonStartRoutes, selfPost } from "./routes/lesson-start.ts";
import { monitorRoutes } from "./routes/monitor.ts";
import { queryRoutes } from "./routes/query.ts";
import { versionRoutes } from "./routes/versions.ts";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ASYNC_USERS_PATH, asyncUsers } from "./async-users/handler.ts";
import { createConsole } from "./console/index.ts";
import { checkAuth, checkHost, checkOrigin, loopbackPolicy, requireJson, type AccessPolicy } from "./security.ts";
import { siteRoutes } from "./site.ts";

export interface AppOptions {
  lab: Lab;
  token: string;
  siteDir: string;
  statementTimeoutMs: number;
  rowLimit: number;
  /**
   * The port the bridge listens on, known once it listens (tests use port 0). Host and Origin are checked against it.
   */
  port: () => number;
  /** How often an idle event feed sends a keep-alive comment (routes/event-stream.ts); 15 s when not given. */
  keepAliveMs?: number;
  /**
   * Who may call and from where: single-user mode's loopback names and token when not given; the workshop hub
   * gives each lab's app a policy of sessions and public names (server/workshop/lab-policy.ts).
   */
  policy?: AccessPolicy;
  /** Workshop mode's load slots, shared by every lab's app; single-user mode has none and runs at once. */
  loadQueue?: LoadQueue;
  /** Workshop mode: the disk the lab takes, which GET /api/lab then reports as `diskBytes`. */
  diskBytes?: () => Promise<number | null>;
  /** Workshop mode: whose lab this is, which every lab status the page gets then carries as `workshop`. */
  workshop?: WorkshopLab;
}

const BODY_LIMIT = "256kb";

/** The bridge: the built site and the JSON API on one origin. `listen` is the caller's business. */
export function createApp(options: AppOptions) {
  const { lab, token, port } = options;
  const policy = options.policy ?? loopbackPolicy(port, token);
  const pools = new NodePools(lab, { statementTimeoutMs: options.statementTimeoutMs });
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use((_req, res, next) => {
    res.set({ "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY" });
    next();
  });
  app.use(checkHost(policy));
  app.use(
    "/api",
    checkOrigin(policy),
    checkAuth(policy),
    requireJson,
    express.json({ limit: BODY_LIMIT, strict: true }),
  );
  // A switch of the nodes' PostgreSQL majors, a lesson's start and a reset each remake the lab: one at a time.
  const switching = () => lab.localServers()?.versions.busyWith() ?? null;
  const lessonStart = lessonStartRoutes(lab, selfPost(port, token), switching);
  app.use(
    labRoutes(lab, {
      busyWith: () => lessonStart.service.busyWith() ?? switching(),
      switching,
      keepAliveMs: options.keepAliveMs,
      diskBytes: options.diskBytes,
      workshop: options.workshop,
    }),
  );
  app.use(lessonStart.router);
  app.use(versionRoutes(lab, { busyWith: () => lessonStart.service.busyWith(), workshop: Boolean(options.workshop) }));
  const watch = new SubscriptionWatch(lab);
  watch.start();
  const monitor = new Monitor(lab);
  const local = lab.localServers();
  const links = new FollowerLinks(lab, local ? (name, lines) => local.logTail(name, lines) : undefined);
  const load = new LoadController(monitor, () => `http://127.0.0.1:${port()}/async-users`, links, options.loadQueue);
  app.use(monitorRoutes(monitor, load, options.keepAliveMs));
  app.use(queryRoutes({ lab, pools, rowLimit: options.rowLimit, statementTimeoutMs: options.statementTimeoutMs }));
  app.use("/api", (req, _res, next) => next(new HttpError(`No such API: ${req.method} ${req.originalUrl}`, 404)));
  app.use(siteRoutes(options.siteDir));
  app.use(errorHandler);
  // The walkthrough's API server takes no token, so that load tools (k6, autocannon) can call it as they would
  // any API; it only ever inserts a user on master, and still refuses other origins and non-JSON bodies.
  const api = asyncUsers(lab, options.statementTimeoutMs);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.split("?")[0] === ASYNC_USERS_PATH) api.handle(req, res, policy);
    else app(req, res);
  };
  // The psql console talks over WebSocket: its upgrade requests are checked and served in server/console.
  const psqlConsole = createConsole({
    lab,
    policy,
    statementTimeoutMs: options.statementTimeoutMs,
    rowLimit: options.rowLimit,
  });
  const close = async () => {
    load.stop();
    await lessonStart.service.settled();
    await lab.localServers()?.versions.settled();
    await Promise.all([pools.end(), api.close(), monitor.close(), links.close(), psqlConsole.close(), watch.close()]);
  };
  // The console's shared sessions: the workshop hub attaches an instructor's terminal to one (issue 14).
  return { app, handler, upgrade: psqlConsole.upgrade, sharedConsoles: psqlConsole.shared, close };
}

/**
 * Every failure becomes JSON with a status and a sentence (server/http-errors.ts decides which). A failure of
 * the request itself is the caller's 4xx; one of the bridge is a 500, noted in the terminal on one line.
 */
export function errorHandler(error: unknown, req: Request, res: Response, _next: NextFunction) {
  const answer = toHttpError(error);
  if (isFailure(error, answer)) {
    console.error(`bridge error: ${req.method} ${req.originalUrl.slice(0, 200)}: ${oneLine(error)}`);
  }
  sendError(res, answer);
}
