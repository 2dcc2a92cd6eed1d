// The access policy of one lab's bridge app in workshop mode. Requests reach it two ways: from the hub, which
// found the attendee's session and this lab by it (marked below: a WeakMap entry on the request object, which no
// header can forge), or from the app itself on its private loopback listener (a lesson's replay posting its own
// steps, the load run's writers), which keep single-user mode's loopback policy and a token only the hub knows.
import type { IncomingMessage } from "node:http";
import { HttpError } from "../errors.ts";
import { offeredToken, type AccessPolicy } from "../security.ts";
import { sameSecret } from "./tokens.ts";
import { publicHostRefusal, publicOriginRefusal, type PublicAddress } from "./web-security.ts";

export interface HubMark {
  labId: string;
  /** The session's CSRF token, which the page must send with every call. */
  csrf: string;
}

const marks = new WeakMap<IncomingMessage, HubMark>();

/** Called by the hub once it resolved the request's session to its attendee's lab. */
export function markFromHub(req: IncomingMessage, mark: HubMark): void {
  marks.set(req, mark);
}

export function labPolicy(labId: string, address: PublicAddress, internal: AccessPolicy): AccessPolicy {
  return {
    hostRefusal: (req) => (marks.has(req) ? publicHostRefusal(address, req.headers) : internal.hostRefusal(req)),
    originRefusal: (req) => (marks.has(req) ? publicOriginRefusal(address, req) : internal.originRefusal(req)),
    authRefusal(req, where) {
      const mark = marks.get(req);
      if (!mark) return internal.authRefusal(req, where);
      // Defence in depth: the hub only hands a request to the lab its session names; check it again here.
      if (mark.labId !== labId) return new HttpError("This session belongs to another lab.", 403);
      // The page sends the CSRF token where single-user mode sends its lab token: a Bearer header, or the query
      // string of an EventSource or WebSocket. A request another site makes carries the cookie at most.
      const offered = offeredToken(req, where === "console" ? "query" : "api");
      return sameSecret(offered, mark.csrf)
        ? undefined
        : new HttpError("Missing or wrong CSRF token: reload the page from the workshop's address.", 403);
    },
  };
}
