// The workshop's two live feeds (issue 14), as server-sent events: the instructor's room
// (GET /workshop/instructor/feed) and each attendee's page (GET /workshop/feed). The hub writes them
// (server/workshop/room/bus.ts carries them to the open feeds) and the pages read them; both import only this
// module. Each event's SSE type is the `type` field, its data the whole object as JSON.

/** Where the instructor is in the lessons, for attendees who follow: a lesson page's path and a heading's id. */
export interface PresenterPosition {
  /** The lesson page's path, as the site serves it: "/lessons/05-subscriptions/". */
  path: string;
  /** The id of the heading the instructor's page shows at its top; null at the page's start. */
  section: string | null;
  /** The heading's text, for "The instructor is at …". */
  title: string | null;
}

/** What the hub is doing to an attendee's lab on the instructor's request, as both pages show it. */
export interface LabActionProgress {
  type: "lab-action";
  attendeeId: string;
  action: "reset" | "lesson-start";
  /** The lesson brought to its start ("05-subscriptions"), for lesson-start. */
  lesson?: string;
  state: "running" | "done" | "failed";
  /** What is happening now, or why it failed, in words. */
  message: string;
}

/** A help request's life: asked by the instructor, then accepted or declined by the attendee, then ended by either. */
export interface HelpState {
  type: "help";
  attendeeId: string;
  requestId: string;
  state: "asked" | "accepted" | "declined" | "ended";
}

/** Events on an attendee's feed. */
export type AttendeeFeedEvent =
  | { type: "broadcast"; text: string; at: string }
  /** null: the instructor stopped presenting. */
  | { type: "presenter"; position: PresenterPosition | null }
  | HelpState
  | LabActionProgress
  /** The attendee's hand, so that every tab of theirs shows it as it is (raised on one, lowered by the instructor). */
  | { type: "hand"; up: boolean };

/** Events on the instructor's feed; the grid's own event is described where it is built (server/workshop/room). */
export type InstructorFeedEvent = HelpState | LabActionProgress;

export const ATTENDEE_FEED_PATH = "/workshop/feed";
export const INSTRUCTOR_FEED_PATH = "/workshop/instructor/feed";
