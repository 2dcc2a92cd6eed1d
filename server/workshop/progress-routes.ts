// The attendee's progress on the hub (issue 14): their page reports each step run, each expectation's and state
// check's verdict (POST /workshop/progress), and reads its own back (GET /workshop/me/progress). A report changes
// state, so it needs what every state-changing call needs: the hub's own Origin (checked for every request in
// hub.ts), the attendee's session cookie, and the session's CSRF token as the Bearer token the page's API calls
// carry. The SQL in an event goes back to its attendee only here; the instructor's view is another route.
import express, { Router } from "express";
import { progressEventSchema } from "../../shared/progress-events.ts";
import { HttpError, TooManyAttempts } from "../errors.ts";
import { parseBody } from "../request-body.ts";
import { offeredToken } from "../security.ts";
import { RateLimit, PROGRESS_RATE } from "./progress-limit.ts";
import type { Sessions } from "./sessions.ts";
import type { RoomBus } from "./room/bus.ts";
import type { HubStore } from "./store/store.ts";
import { sameSecret } from "./tokens.ts";

/** An event carries at most 100 000 characters of SQL (the schema's bound), so its JSON fits well within this. */
const BODY_LIMIT = "256kb";

export function progressRoutes(sessions: Sessions, store: HubStore, bus: RoomBus, limit = new RateLimit()): Router {
  const router = Router();

  router.post("/workshop/progress", express.json({ limit: BODY_LIMIT }), async (req, res) => {
    const { attendee, csrf } = await sessions.attendee(req);
    if (!sameSecret(offeredToken(req, "api"), csrf)) {
      throw new HttpError("Missing or wrong CSRF token: reload the page from the workshop's address.", 403);
    }
    if (!limit.take(attendee.id)) {
      throw new TooManyAttempts(
        `Too many progress reports: at most ${PROGRESS_RATE.burst} at once and ${PROGRESS_RATE.perSecond} ` +
          "a second per attendee. This one was not stored.",
      );
    }
    const event = parseBody(progressEventSchema, req.body);
    const stored = await store.addProgress(attendee.id, event);
    bus.progress(stored);
    res.status(201).json({ id: stored.id, at: stored.at });
  });

  router.get("/workshop/me/progress", async (req, res) => {
    const { attendee } = await sessions.attendee(req);
    res.set("Cache-Control", "no-store").json({ events: await store.progressOf(attendee.id) });
  });

  return router;
}
