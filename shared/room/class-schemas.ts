// The bodies of the instructor's calls that act on the class (issue 14): reset or bring an attendee's lab to a
// lesson's start, broadcast, present, lower a hand. The hub checks them with these schemas; the room's page and
// the presenter view send them.
import { z } from "zod";
import { ROOM_PATHS } from "./room-api.ts";

export const BROADCAST_MAX_CHARS = 500;

/** POST /workshop/instructor/broadcast: a short message to every attendee's page. */
export const broadcastSchema = z.strictObject({
  text: z
    .string()
    .trim()
    .min(1, { error: "expected a message of 1 character or more" })
    .max(BROADCAST_MAX_CHARS, { error: `expected at most ${BROADCAST_MAX_CHARS} characters` }),
});

/** POST /workshop/instructor/present: where the instructor's page is (PresenterPosition in feed.ts). */
export const presentSchema = z.strictObject({
  /** A page of the site: a path from its root, without a query or fragment. */
  path: z
    .string()
    .max(200)
    .regex(/^\/[A-Za-z0-9/_-]*$/, { error: "expected a page's path, such as /lessons/05-subscriptions/" }),
  /** A heading's id on that page, or null at its start. */
  section: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, { error: "expected a heading's id" })
    .nullable(),
  title: z.string().max(200).nullable(),
});

/** POST /workshop/instructor/attendees/:id/lesson-start: the lesson whose start the lab is brought to. */
export const classLessonStartSchema = z.strictObject({
  lesson: z.int({ error: "expected the number of a lesson" }).min(1).max(99),
});

/** POST /workshop/instructor/attendees/:id/hand: the instructor can only lower a hand, never raise one. */
export const lowerHandSchema = z.strictObject({
  up: z.literal(false, { error: "expected false: the instructor lowers a hand" }),
});

export const INSTRUCTOR_BROADCAST_PATH = ROOM_PATHS.broadcast;
export const INSTRUCTOR_PRESENT_PATH = ROOM_PATHS.present;
