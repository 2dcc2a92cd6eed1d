// One error model for the server. Lab, load and lesson code throws domain errors: a sentence a person can act
// on, a stable code from README's "Errors and their codes", and the error it wraps as its `cause`. Which HTTP
// status a domain error becomes is decided in one place, the HTTP layer (server/http-errors.ts); HttpError is
// that layer's own refusal, a status with a sentence. CliError ends the command line with an exit code and a
// sentence, never a stack trace.
import { BRIDGE_CODES, type BridgeCode } from "../shared/api-types.ts";

/** The codes domain errors carry: each has its status in server/http-errors.ts, which the compiler holds to it. */
export type DomainCode = (typeof BRIDGE_CODES)[
  | "nodeDown"
  | "labBusy"
  | "notInThisMode"
  | "invalidRequest"
  | "notFound"
  | "labFailed"
  | "workshopFull"
  | "notAllowed"
  | "sessionExpired"
  | "tooManyAttempts"];

export abstract class DomainError extends Error {
  abstract readonly code: DomainCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A node that must be running for this is not: start it first. */
export class NodeNotRunning extends DomainError {
  readonly code = BRIDGE_CODES.nodeDown;
}

/** The lab is doing something this would undo or collide with; the message says what, and to wait for it. */
export class LabBusy extends DomainError {
  readonly code = BRIDGE_CODES.labBusy;
}

/** The lab's mode can't do this (docker and external nodes are not the lab's to stop); the message says how. */
export class NotSupportedInMode extends DomainError {
  readonly code = BRIDGE_CODES.notInThisMode;
}

/** A request the lab can't carry out as asked, for what it asks (a load run out of bounds). */
export class InvalidRequest extends DomainError {
  readonly code = BRIDGE_CODES.invalidRequest;
}

/** What the request names does not exist (a lesson). */
export class NotFound extends DomainError {
  readonly code = BRIDGE_CODES.notFound;
}

/** A failure of the lab itself (a node that can't start, a folder postgres can't reach), shown to the user as is. */
export class LabError extends DomainError {
  readonly code = BRIDGE_CODES.labFailed;
}

/** Workshop mode: every lab the workshop may hand out is taken (the provider's configured number). */
export class WorkshopFull extends DomainError {
  readonly code = BRIDGE_CODES.workshopFull;
}

/** Workshop mode: a join code that is unknown, expired or revoked, or a wrong instructor passphrase. */
export class NotAllowed extends DomainError {
  readonly code = BRIDGE_CODES.notAllowed;
}

/** Workshop mode: the request has no session, or its session expired or is unknown. */
export class SessionExpired extends DomainError {
  readonly code = BRIDGE_CODES.sessionExpired;
}

/** Workshop mode: too many passphrase attempts from one address, or progress reports from one attendee. */
export class TooManyAttempts extends DomainError {
  readonly code = BRIDGE_CODES.tooManyAttempts;
}

export class HttpError extends Error {
  readonly code: BridgeCode | undefined;

  constructor(
    message: string,
    readonly status: number,
    options: HttpErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HttpError";
    this.code = options.code;
  }
}

export interface HttpErrorOptions {
  /** The code the JSON body carries, from README's "Errors and their codes". */
  code?: BridgeCode;
  /** The error this refusal stands for. */
  cause?: unknown;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/**
 * An unexpected failure as one line for the terminal: its name and message, then what it wraps, never a stack
 * trace (a request must not be able to fill the terminal, and the trace tells a learner nothing they can act
 * on; the cause often does).
 */
export function oneLine(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current !== undefined && depth < 4; depth++) {
    parts.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(" (cause: ").replace(/\s*\n\s*/g, " ") + ")".repeat(parts.length - 1);
}
