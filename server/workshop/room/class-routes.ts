// The instructor's actions on the class (issue 14), each with the instructor's session and its CSRF token:
// reset an attendee's lab or bring it to lesson N's start (lab-actions.ts), broadcast a message to every page,
// say where the instructor is in the lessons (present, and stop), and lower an attendee's raised hand. What they
// do reaches the pages as messages on the attendees' feed (attendee-feed.ts) and the instructor's.
import express, { Router, type Request } from "express";
import {
  broadcastSchema,
  classLessonStartSchema,
  INSTRUCTOR_BROADCAST_PATH,
  INSTRUCTOR_PRESENT_PATH,
  lowerHandSchema,
  presentSchema,
} from "../../../shared/room/class-schemas.ts";
import { NotFound } from "../../errors.ts";
import { parseBody } from "../../request-body.ts";
import type { Attendee } from "../store/store.ts";
import type { RoomContext } from "./context.ts";
import { instructorWithCsrf } from "./instructor-auth.ts";
import { LabActions } from "./lab-actions.ts";

export function classRoutes(
  room: RoomContext,
  actions = new LabActions(room.labs, room.bus, (labId) => room.idle.seen(labId)),
): Router {
  const router = Router();
  const guard = [instructorWithCsrf(room.sessions), express.json({ limit: "8kb" })];

  async function attendeeOf(req: Request): Promise<Attendee> {
    const id = String(req.params["id"]);
    const attendee = await room.store.attendee(id);
    if (!attendee) throw new NotFound(`There is no attendee ${id} in this workshop.`);
    return attendee;
  }

  router.post("/workshop/instructor/attendees/:id/reset", ...guard, async (req, res) => {
    actions.reset(await attendeeOf(req));
    res.status(202).json({ started: "reset" });
  });

  router.post("/workshop/instructor/attendees/:id/lesson-start", ...guard, async (req, res) => {
    const { lesson } = parseBody(classLessonStartSchema, req.body);
    await actions.lessonStart(await attendeeOf(req), lesson);
    res.status(202).json({ started: "lesson-start", lesson });
  });

  // Stored as the attendee's own lowering would be, so the grid's stuck rule sees the hand down; the feed's
  // message to their pages goes out below, as for every hand event.
  router.post("/workshop/instructor/attendees/:id/hand", ...guard, async (req, res) => {
    parseBody(lowerHandSchema, req.body);
    const attendee = await attendeeOf(req);
    const stored = await room.store.addProgress(attendee.id, { kind: "hand", met: false });
    room.bus.progress(stored);
    res.json({ up: false, id: stored.id, at: stored.at });
  });

  router.post(INSTRUCTOR_BROADCAST_PATH, ...guard, (req, res) => {
    const { text } = parseBody(broadcastSchema, req.body);
    const at = new Date().toISOString();
    room.bus.toAttendeesAndKeep({ type: "broadcast", text, at });
    res.json({ text, at });
  });

  router.post(INSTRUCTOR_PRESENT_PATH, ...guard, (req, res) => {
    const position = parseBody(presentSchema, req.body);
    room.bus.toAttendeesAndKeep({ type: "presenter", position });
    res.json({ position });
  });

  router.delete(INSTRUCTOR_PRESENT_PATH, ...guard, (_req, res) => {
    room.bus.toAttendeesAndKeep({ type: "presenter", position: null });
    res.json({ position: null });
  });

  // A hand raised or lowered, on any page of the attendee's or by the instructor: every page of theirs shows it.
  room.bus.onProgress((event) => {
    if (event.kind === "hand") room.bus.toAttendee(event.attendeeId, { type: "hand", up: event.met === true });
  });

  return router;
}
