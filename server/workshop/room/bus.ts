// The room's live messages inside the hub (issue 14): what happens (an attendee's progress event, a help request,
// a lab action, a broadcast) is published here once, and every open feed that should see it gets it. Feeds
// subscribe when a page opens one and unsubscribe when it closes; nothing is kept for a feed that isn't open
// (a page that opens one later asks for the current state instead).
import { EventEmitter } from "node:events";
import type { StoredProgressEvent } from "../../../shared/progress-events.ts";
import type { AttendeeFeedEvent, InstructorFeedEvent } from "../../../shared/room/feed.ts";

type Listener<T> = (message: T) => void;

export class RoomBus {
  private readonly emitter = new EventEmitter();
  /** The last message of each kind sent to everyone and kept (the broadcast, where the instructor is). */
  private readonly kept = new Map<AttendeeFeedEvent["type"], AttendeeFeedEvent>();

  constructor() {
    // One listener per open page: a class of a few dozen attendees, each with a few tabs, is well past 10.
    this.emitter.setMaxListeners(0);
  }

  /** An attendee's progress event, stored: the instructor's grid is built again from it. */
  progress(event: StoredProgressEvent): void {
    this.emitter.emit("progress", event);
  }

  onProgress(listener: Listener<StoredProgressEvent>): () => void {
    return this.on("progress", listener);
  }

  toInstructors(message: InstructorFeedEvent): void {
    this.emitter.emit("instructor", message);
  }

  onInstructor(listener: Listener<InstructorFeedEvent>): () => void {
    return this.on("instructor", listener);
  }

  /** To one attendee's every open page. */
  toAttendee(attendeeId: string, message: AttendeeFeedEvent): void {
    this.emitter.emit(`attendee:${attendeeId}`, message);
  }

  /** To every attendee's every open page. */
  toAttendees(message: AttendeeFeedEvent): void {
    this.emitter.emit("attendees", message);
  }

  /** To every attendee's every open page, and kept: a page that opens its feed later gets it at open. */
  toAttendeesAndKeep(message: AttendeeFeedEvent): void {
    this.kept.set(message.type, message);
    this.toAttendees(message);
  }

  /** The last kept message of each kind, which a feed sends when it opens. */
  keptForAttendees(): AttendeeFeedEvent[] {
    return [...this.kept.values()];
  }

  /** What reaches this attendee's page: their own messages and the ones to everyone. */
  onAttendee(attendeeId: string, listener: Listener<AttendeeFeedEvent>): () => void {
    const own = this.on(`attendee:${attendeeId}`, listener);
    const all = this.on("attendees", listener);
    return () => {
      own();
      all();
    };
  }

  private on<T>(name: string, listener: Listener<T>): () => void {
    // A listener that throws must not stop the others, nor the route that published.
    const guarded = (message: T) => {
      try {
        listener(message);
      } catch (error) {
        console.error(`workshop: a feed failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    this.emitter.on(name, guarded);
    return () => void this.emitter.off(name, guarded);
  }
}
