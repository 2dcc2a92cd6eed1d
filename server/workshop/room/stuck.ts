// Who in the room is stuck, by four rules the instructor can read off the events: the same step failed three
// times in a row; an error the lesson did not expect (the cell's expectation names the error it wants, or none);
// no event for five minutes while most of the class moved on; a raised hand. Each entry carries the attendee's
// last error, so the instructor sees what went wrong before walking over.
import type { Expectation } from "../../../shared/lessons/expectations.ts";
import type { StoredProgressEvent } from "../../../shared/progress-events.ts";
import { stepKey, type StepExpectations } from "../../../shared/room/columns.ts";

export type { StepExpectations };

/** Who is in the room, as the hub's store knows them (the store's Attendee fits). */
export interface RoomAttendee {
  id: string;
  displayName: string;
  labId: string;
}

/** Failures of one step in a row that make an attendee stuck. */
export const FAILURES_IN_A_ROW = 3;
/** How long without an event counts as idle, when most of the class progressed meanwhile. */
export const IDLE_MS = 5 * 60_000;

export type StuckRule = "failed-repeatedly" | "unexpected-error" | "idle" | "hand";

export interface StuckReason {
  rule: StuckRule;
  /** In the instructor's words: "failed 05-subscriptions step 10 3 times in a row". */
  text: string;
  lesson?: string;
  step?: number;
}

/** Where and how the attendee last failed; what the event did not say is left undefined. */
export interface LastError {
  lesson: string | undefined;
  step: number | undefined;
  check: string | undefined;
  sqlstate: string | undefined;
  message: string | undefined;
  at: string;
}

export interface StuckEntry {
  attendee: RoomAttendee;
  reasons: StuckReason[];
  lastError?: LastError;
}

export interface StuckInput {
  attendees: RoomAttendee[];
  /** Oldest first. */
  events: StoredProgressEvent[];
  expectations: StepExpectations;
  now: Date;
}

/** The stuck attendees, in the attendees' order, each with every rule that holds for them. */
export function stuckList(input: StuckInput): StuckEntry[] {
  const byAttendee = groupByAttendee(input.events);
  const since = input.now.getTime() - IDLE_MS;
  const progressed = new Set(
    input.attendees.filter((a) => (byAttendee.get(a.id) ?? []).some((e) => isProgress(e, since))).map((a) => a.id),
  );
  return input.attendees.flatMap((attendee): StuckEntry[] => {
    const own = byAttendee.get(attendee.id) ?? [];
    const reasons = [
      ...repeatedFailures(own),
      ...unexpectedErrors(own, input.expectations),
      ...idle(attendee, own, since, input.attendees, progressed),
      ...raisedHand(own),
    ];
    if (reasons.length === 0) return [];
    const lastError = latestError(own);
    return [{ attendee, reasons, ...(lastError ? { lastError } : {}) }];
  });
}

function groupByAttendee(events: StoredProgressEvent[]): Map<string, StoredProgressEvent[]> {
  return groupBy(events, (event) => event.attendeeId);
}

/** Each step's expectation events, oldest first, keyed by step. */
function judgedSteps(events: StoredProgressEvent[]): Map<string, StoredProgressEvent[]> {
  const judged = events.filter(
    (event) => event.kind === "expectation" && event.lesson !== undefined && event.step !== undefined,
  );
  return groupBy(judged, (event) => stepKey(event.lesson!, event.step!));
}

/** The events by key, each group in the events' order. */
function groupBy(events: StoredProgressEvent[], key: (event: StoredProgressEvent) => string) {
  const groups = new Map<string, StoredProgressEvent[]>();
  for (const event of events) {
    const group = groups.get(key(event));
    if (group) group.push(event);
    else groups.set(key(event), [event]);
  }
  return groups;
}

function repeatedFailures(events: StoredProgressEvent[]): StuckReason[] {
  return [...judgedSteps(events).values()].flatMap((judged): StuckReason[] => {
    const recent = judged.slice(-FAILURES_IN_A_ROW);
    if (recent.length < FAILURES_IN_A_ROW || recent.some((event) => event.met !== false)) return [];
    const { lesson, step } = recent[0]!;
    return [
      {
        rule: "failed-repeatedly",
        text: `failed ${lesson} step ${step} ${FAILURES_IN_A_ROW} times in a row`,
        lesson: lesson!,
        step: step!,
      },
    ];
  });
}

/** Whether the cell's expectation asks for this error: `error` takes any, `error:CODE` only CODE. */
function expects(expectation: Expectation | undefined, sqlstate: string): boolean {
  return expectation?.kind === "error" && (expectation.code === undefined || expectation.code === sqlstate);
}

/** A step whose last judgement is an error its cell does not expect; a later success clears it. */
function unexpectedErrors(events: StoredProgressEvent[], expectations: StepExpectations): StuckReason[] {
  return [...judgedSteps(events).entries()].flatMap(([key, judged]): StuckReason[] => {
    const last = judged.at(-1)!;
    if (last.met !== false || last.sqlstate === undefined || expects(expectations.get(key), last.sqlstate)) return [];
    const wanted = expectations.get(key);
    const lessonWants =
      wanted?.kind === "error" && wanted.code ? `the lesson expects ${wanted.code}` : "the lesson expects no error";
    return [
      {
        rule: "unexpected-error",
        text: `error ${last.sqlstate} at ${last.lesson} step ${last.step}, where ${lessonWants}`,
        lesson: last.lesson!,
        step: last.step!,
      },
    ];
  });
}

/** An event that moves the attendee forward: a step ran, or an expectation or check was met. */
function isProgress(event: StoredProgressEvent, since: number): boolean {
  if (Date.parse(event.at) <= since) return false;
  return event.kind === "ran" || ((event.kind === "expectation" || event.kind === "state-check") && event.met === true);
}

/** No event for IDLE_MS while more than half of the rest of the class progressed in that time. */
function idle(
  attendee: RoomAttendee,
  events: StoredProgressEvent[],
  since: number,
  attendees: RoomAttendee[],
  progressed: ReadonlySet<string>,
): StuckReason[] {
  if (events.some((event) => Date.parse(event.at) > since)) return [];
  const others = attendees.filter((other) => other.id !== attendee.id);
  const movedOn = others.filter((other) => progressed.has(other.id)).length;
  if (others.length === 0 || movedOn * 2 <= others.length) return [];
  return [
    {
      rule: "idle",
      text: `no progress for ${IDLE_MS / 60_000} minutes while ${movedOn} of ${others.length} others moved on`,
    },
  ];
}

function raisedHand(events: StoredProgressEvent[]): StuckReason[] {
  const hand = events.filter((event) => event.kind === "hand").at(-1);
  if (hand?.met !== true) return [];
  return [
    {
      rule: "hand",
      text: "raised a hand",
      ...(hand.lesson === undefined ? {} : { lesson: hand.lesson }),
      ...(hand.step === undefined ? {} : { step: hand.step }),
    },
  ];
}

/** The attendee's last failed judgement that says why: an error's SQLSTATE or a message. */
function latestError(events: StoredProgressEvent[]): LastError | undefined {
  // A cell that failed, not a state check not met yet: that is progress still to make, which the attendee's page
  // re-checks every few seconds and would push the SQL error that made them stuck out of sight.
  const last = events
    .filter((event) => event.kind !== "hand" && event.kind !== "state-check" && event.met === false)
    .filter((event) => event.sqlstate !== undefined || event.message !== undefined)
    .at(-1);
  if (!last) return undefined;
  const { lesson, step, check, sqlstate, message, at } = last;
  return { lesson, step, check, sqlstate, message, at };
}
