// Help requests (issue 14): the instructor asks to join an attendee's console, the attendee accepts or declines,
// and either ends it. Kept in the hub's memory only: a help session is live or nothing (the consoles it joins
// end with the hub), and one attendee has at most one request open (asked or accepted) at a time.
import { randomBytes } from "node:crypto";
import type { HelpState } from "../../../shared/room/feed.ts";
import { LabBusy, NotFound } from "../../errors.ts";

export type HelpStage = HelpState["state"];

export interface HelpRequest {
  id: string;
  attendeeId: string;
  state: HelpStage;
}

/** Who ends a request: the instructor, or the attendee it is for (anyone else is told it does not exist). */
export type HelpParty = { instructor: true } | { attendeeId: string };

/** How many closed requests are remembered, so that a late call about one is told it ended rather than unknown. */
const CLOSED_KEPT = 1000;

export class HelpRequests {
  private readonly requests = new Map<string, HelpRequest>();

  /** A new request to join `attendeeId`'s console; LabBusy while one for them is still asked or accepted. */
  ask(attendeeId: string, name: string): HelpRequest {
    const open = this.openFor(attendeeId);
    if (open) throw new LabBusy(`${name} has a help request ${open.state} already: end it first.`);
    const request: HelpRequest = { id: randomBytes(12).toString("base64url"), attendeeId, state: "asked" };
    this.requests.set(request.id, request);
    this.forget();
    return request;
  }

  /** The attendee's answer to a request they were asked. */
  answer(id: string, attendeeId: string, accept: boolean): HelpRequest {
    const request = this.of(id, { attendeeId });
    if (request.state !== "asked") throw new LabBusy(`This help request was ${request.state} already.`);
    request.state = accept ? "accepted" : "declined";
    return request;
  }

  /** Ends an asked or accepted request; ending one that is over already is refused, so that it is said once. */
  end(id: string, by: HelpParty): HelpRequest {
    const request = this.of(id, by);
    if (request.state !== "asked" && request.state !== "accepted") {
      throw new LabBusy(`This help request was ${request.state} already.`);
    }
    request.state = "ended";
    return request;
  }

  /** The request, when `by` may see it; NotFound otherwise (an attendee learns nothing of others' requests). */
  of(id: string, by: HelpParty): HelpRequest {
    const request = this.requests.get(id);
    if (!request || ("attendeeId" in by && request.attendeeId !== by.attendeeId)) {
      throw new NotFound("There is no such help request.");
    }
    return request;
  }

  /** The attendee's request that is asked or accepted, if any. */
  openFor(attendeeId: string): HelpRequest | undefined {
    return [...this.requests.values()].find(
      (request) => request.attendeeId === attendeeId && (request.state === "asked" || request.state === "accepted"),
    );
  }

  private forget(): void {
    const closed = [...this.requests.values()].filter((r) => r.state === "declined" || r.state === "ended");
    for (const request of closed.slice(0, Math.max(0, closed.length - CLOSED_KEPT))) this.requests.delete(request.id);
  }
}
