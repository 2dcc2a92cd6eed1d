import { timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { HttpError } from "./errors.ts";

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The bridge runs SQL as a superuser, so it only answers the lab's own pages. A Host that isn't a loopback
 * name means a DNS-rebinding page is talking to us through a name it controls; refuse before anything else.
 */
export function checkHost(getPort: () => number) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const host = (req.headers.host ?? "").toLowerCase();
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
    const name = match?.[1] ?? "";
    const port = match?.[2] ? Number(match[2]) : 80;
    if (!LOOPBACK_NAMES.has(name) || port !== getPort()) {
      return next(new HttpError(`Host "${req.headers.host ?? ""}" is not this lab's address.`, 403));
    }
    next();
  };
}

/** The origins the lab's own pages have: loopback names on the bridge's port. */
export function allowedOrigins(port: number): Set<string> {
  return new Set([...LOOPBACK_NAMES].map((name) => `http://${name}:${port}`));
}

/**
 * API requests need the per-start token: the pages the bridge serves carry it in a meta tag and send it as
 * a Bearer token; other clients get it from the terminal. A browser request from another origin is refused
 * whatever it carries.
 */
export function checkApiAccess(token: string, getPort: () => number) {
  const expected = Buffer.from(token);
  return (req: Request, _res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins(getPort()).has(origin)) {
      return next(new HttpError(`Requests from ${origin} are not allowed: the lab answers its own pages only.`, 403));
    }
    if (req.headers["sec-fetch-site"] === "cross-site") {
      return next(new HttpError("Cross-site requests are not allowed.", 403));
    }
    const header = req.headers.authorization ?? "";
    // EventSource can't set headers, so the live feeds take the token in the query string.
    const given = header.startsWith("Bearer ") ? header.slice(7) : req.method === "GET" ? String(req.query["token"] ?? "") : "";
    const offered = Buffer.from(given);
    if (offered.length !== expected.length || !timingSafeEqual(offered, expected)) {
      return next(new HttpError("Missing or wrong lab token. Open the lab from the URL npm start printed, or pass Authorization: Bearer <token>.", 401));
    }
    next();
  };
}

/** Only JSON bodies: a text/plain POST is what a cross-site form can send without a preflight. */
export function requireJson(req: Request, _res: Response, next: NextFunction) {
  if (req.method === "POST" && !req.is("application/json")) {
    return next(new HttpError("Send JSON (Content-Type: application/json).", 415));
  }
  next();
}
