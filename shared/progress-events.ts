// Workshop mode's progress events (issue 14): what an attendee's page tells the hub as they work, so that the
// instructor's room sees the class. The page judges expectations and state checks (only it knows which lesson and
// step a cell is), so the events come from it; the hub stamps each with the attendee and the time and keeps it in
// its database. This module is the one shape both sides use: the zod schema checks what the hub accepts, and the
// page imports only the types.
import { z } from "zod";
import { PROGRESS_OUTPUT_LIMIT } from "./progress-limits.ts";

/** What happened: a step ran; a cell's expectation was judged; a state check was judged; a hand went up or down. */
export const PROGRESS_EVENT_KINDS = ["ran", "expectation", "state-check", "hand"] as const;
export type ProgressEventKind = (typeof PROGRESS_EVENT_KINDS)[number];

/** A lesson's file name without its extension, as the lessons' steps name it: "05-subscriptions". */
const lessonFile = z.string().regex(/^\d{2}-[a-z0-9-]{1,60}$/, { error: "expected a lesson's file name" });

export { PROGRESS_OUTPUT_LIMIT };

/** POST /workshop/progress: one event from the attendee's page. */
export const progressEventSchema = z.strictObject({
  kind: z.enum(PROGRESS_EVENT_KINDS),
  /** The lesson; absent only for a hand raised outside a lesson. */
  lesson: lessonFile.optional(),
  /** The step, 1-based as #cell-N counts (ran, expectation). */
  step: z.int().min(1).max(500).optional(),
  /** The state check, by its subject (shared/lessons/lesson-states.ts subject(): "subscription:slave2:usersub"). */
  check: z.string().max(200).optional(),
  /** Whether the expectation or check was met; for a hand, whether it is up. */
  met: z.boolean().optional(),
  /** The error's SQLSTATE when the cell failed. */
  sqlstate: z
    .string()
    .regex(/^[0-9A-Z]{5}$/)
    .optional(),
  /** The error's message (first line), or what the check says is off. */
  message: z.string().max(1_000).optional(),
  /** The SQL the cell ran (the attendee's own page and the instructor's read-only view only). */
  sql: z.string().max(100_000).optional(),
  /**
   * What a `ran` step gave, as text (PROGRESS_OUTPUT_LIMIT): its command tag and first rows, or its error line. Shown
   * only in the instructor's read-only view of the attendee.
   */
  output: z.string().max(4_000).optional(),
});
export type ProgressEvent = z.infer<typeof progressEventSchema>;

/** An event as the hub keeps it. */
export interface StoredProgressEvent extends ProgressEvent {
  /** The hub's serial number for the event: later events have larger ids; the room's feed says up to which it shows. */
  id: number;
  attendeeId: string;
  /** ISO 8601, the hub's clock. */
  at: string;
}
