import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { NextFunction, Request, Response } from "express";
import { HttpError } from "./errors.ts";

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The bridge runs SQL as a superuser, so it only answers the lab's own pages. A Host that isn't a loopback
 * name means a DNS-rebinding page is talking to us through a name it controls; refuse before anything else.
 */
export function hostRefusal(headers: IncomingHttpHeaders, port: number): HttpError | undefined {
  const host = (headers.host ?? "").toLowerCase();
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  const name = match?.[1] ?? "";
  const given = match?.[2] ? Number(match[2]) : 80;
  if (LOOPBACK_NAMES.has(name) && given === port) return undefined;
  return new HttpError(`Host "${headers.host ?? ""}" is not this lab's address.`, 403);
}

/** The origins the lab's own pages have: loopback names on the bridge's port. */
function allowedOrigins(port: number): Set<string> {
  return new Set([...LOOPBACK_NAMES].map((name) => `http://${name}:${port}`));
}

/** A browser request from a page of another origin is refused, whatever it carries. */
export function originRefusal(headers: IncomingHttpHeaders, port: number): HttpError | undefined {
  const origin = headers.origin;
  if (origin !== undefined && !allowedOrigins(port).has(origin)) {
    return new HttpError(`Requests from ${origin} are not allowed: the lab answers its own pages only.`, 403);
  }
  if (headers["sec-fetch-site"] === "cross-site") return new HttpError("Cross-site requests are not allowed.", 403);
  return undefined;
}

/** Only JSON bodies: a text/plain POST is what a cross-site form can send without a preflight. */
export function jsonRefusal(method: string | undefined, headers: IncomingHttpHeaders): HttpError | undefined {
  if (method !== "POST") return undefined;
  const type = (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "application/json" ? undefined : new HttpError("Send JSON (Content-Type: application/json).", 415);
}

/**
 * Who may call the bridge and from where. Single-user mode answers loopback names on its port and the per-start
 * token (loopbackPolicy, below); workshop mode answers the hub's public names and an attendee's session
 * (server/workshop/lab-policy.ts). The routes, the console and the walkthrough's API server ask the policy they
 * were given, so both modes run the same bridge code with the same checks in the same order.
 */
export interface AccessPolicy {
  /** A Host the bridge doesn't answer to (DNS rebinding). */
  hostRefusal(req: IncomingMessage): HttpError | undefined;
  /** A browser request made by a page of another origin. */
  originRefusal(req: IncomingMessage): HttpError | undefined;
  /** Missing or wrong credentials: an API call's, or a console WebSocket's upgrade request's. */
  authRefusal(req: IncomingMessage, where: "api" | "console"): HttpError | undefined;
}

/** Single-user mode: loopback names on the bridge's port, and the per-start token. */
export function loopbackPolicy(getPort: () => number, token: string): AccessPolicy {
  const expected = Buffer.from(token);
  const matches = (given: string) => {
    const offered = Buffer.from(given);
    return offered.length === expected.length && timingSafeEqual(offered, expected);
  };
  return {
    hostRefusal: (req) => hostRefusal(req.headers, getPort()),
    originRefusal: (req) => originRefusal(req.headers, getPort()),
    authRefusal(req, where) {
      if (where === "console") {
        return matches(offeredToken(req, "query"))
          ? undefined
          : new HttpError("Missing or wrong lab token: open the console from a page of the running lab.", 401);
      }
      return matches(offeredToken(req, "api"))
        ? undefined
        : new HttpError(
            "Missing or wrong lab token. Open the lab from the URL npm start printed, or pass Authorization: " +
              "Bearer <token>.",
            401,
          );
    },
  };
}

/**
 * The token a request offers. API calls send it as a Bearer token; EventSource and WebSocket can't set headers,
 * so GET requests may carry it in the query string instead, and a console's upgrade request only there.
 */
export function offeredToken(req: IncomingMessage, where: "api" | "query"): string {
  const fromQuery = () => new URL(req.url ?? "/", "http://lab").searchParams.get("token") ?? "";
  if (where === "query") return fromQuery();
  const header = req.headers.authorization ?? "";
  if (header.startsWith("Bearer ")) return header.slice(7);
  return req.method === "GET" ? fromQuery() : "";
}

export function checkHost(policy: AccessPolicy) {
  return (req: Request, _res: Response, next: NextFunction) => next(policy.hostRefusal(req));
}

export function checkOrigin(policy: AccessPolicy) {
  return (req: Request, _res: Response, next: NextFunction) => next(policy.originRefusal(req));
}

export function requireJson(req: Request, _res: Response, next: NextFunction) {
  next(jsonRefusal(req.method, req.headers));
}

/** API requests need the policy's credentials: in single-user mode, the per-start token (see loopbackPolicy). */
export function checkAuth(policy: AccessPolicy) {
  return (req: Request, _res: Response, next: NextFunction) => next(policy.authRefusal(req, "api"));
}
