// The instructor's calls from the room's pages (issue 14). Reading needs the instructor's session cookie; a call
// that changes something also needs the session's CSRF token in the X-CSRF-Token header. The room is a static
// page of the site, so it asks for the token once (GET /workshop/instructor/session): a cross-site page can't
// read that answer (no CORS, a SameSite=Strict cookie), and the hub refuses other origins anyway (hub.ts).
import { Router, type NextFunction, type Request, type Response } from "express";
import { HttpError } from "../../errors.ts";
import type { Resolved, Sessions } from "../sessions.ts";
import { sameSecret } from "../tokens.ts";

export const INSTRUCTOR_SESSION_PATH = "/workshop/instructor/session";

/** Express middleware: the instructor's session with its CSRF token in the X-CSRF-Token header, or 401/403. */
export function instructorWithCsrf(sessions: Sessions) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const { csrf } = await sessions.instructor(req);
    const offered = String(req.headers["x-csrf-token"] ?? "");
    next(sameSecret(offered, csrf) ? undefined : new HttpError("Missing or wrong CSRF token: reload the page.", 403));
  };
}

/** The instructor's session, or SessionExpired (401): for the room's reads. */
export function instructorOnly(sessions: Sessions): (req: Request) => Promise<Resolved> {
  return (req) => sessions.instructor(req);
}

/** GET /workshop/instructor/session: the CSRF token the room's pages send with each change. */
export function instructorSessionRoutes(sessions: Sessions): Router {
  const router = Router();
  router.get(INSTRUCTOR_SESSION_PATH, async (req, res) => {
    const { csrf } = await sessions.instructor(req);
    res.set("Cache-Control", "no-store").json({ csrf });
  });
  return router;
}
