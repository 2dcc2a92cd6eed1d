import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
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

export function checkHost(getPort: () => number) {
  return (req: Request, _res: Response, next: NextFunction) => next(hostRefusal(req.headers, getPort()));
}

export function checkOrigin(getPort: () => number) {
  return (req: Request, _res: Response, next: NextFunction) => next(originRefusal(req.headers, getPort()));
}

export function requireJson(req: Request, _res: Response, next: NextFunction) {
  next(jsonRefusal(req.method, req.headers));
}

/**
 * API requests need the per-start token: the pages the bridge serves carry it in a meta tag and send it as
 * a Bearer token; other clients get it from the terminal.
 */
export function checkToken(token: string) {
  const expected = Buffer.from(token);
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? "";
    // EventSource can't set headers, so the live feeds take the token in the query string.
    const given = header.startsWith("Bearer ")
      ? header.slice(7)
      : req.method === "GET"
        ? String(req.query["token"] ?? "")
        : "";
    const offered = Buffer.from(given);
    if (offered.length !== expected.length || !timingSafeEqual(offered, expected)) {
      return next(
        new HttpError(
          "Missing or wrong lab token. Open the lab from the URL npm start printed, or pass Authorization: Bearer <token>.",
          401,
        ),
      );
    }
    next();
  };
}
