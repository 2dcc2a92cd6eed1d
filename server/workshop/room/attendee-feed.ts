// The attendee's live feed (issue 14): GET /workshop/feed, a server-sent-event stream of what the room sends
// their page (broadcasts, where the instructor is, help requests, what is done to their lab, their hand). The
// session cookie is the credential; the stream changes nothing, so it needs no CSRF token, and EventSource could
// not send one anyway.
import { Router } from "express";
import { ATTENDEE_FEED_PATH } from "../../../shared/room/feed.ts";
import { openEventStream } from "../../routes/event-stream.ts";
import type { RoomContext } from "./context.ts";

export function attendeeFeedRoutes(room: RoomContext): Router {
  const router = Router();
  router.get(ATTENDEE_FEED_PATH, async (req, res) => {
    const { attendee } = await room.sessions.attendee(req);
    const stream = openEventStream(req, res, room.keepAliveMs);
    stream.onClose(room.bus.onAttendee(attendee.id, (message) => stream.send(message.type, message)));
    stream.send("hello", { attendeeId: attendee.id });
    // The last broadcast and where the instructor is, for a page opened after they were sent.
    for (const message of room.bus.keptForAttendees()) stream.send(message.type, message);
  });
  return router;
}
