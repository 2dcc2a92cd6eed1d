// The HTTP layer's half of the error model (server/errors.ts has the other): the one place that decides which
// status a failure gets, and the one JSON body every refusal has, `{ error: { status, message, code? } }`,
// whether Express, the walkthrough's API server or a refused WebSocket upgrade sends it.
import type { ServerResponse } from "node:http";
import { BRIDGE_CODES, type ApiError } from "../shared/api-types.ts";
import { DomainError, HttpError, type DomainCode } from "./errors.ts";

/**
 * Each domain error's status. A node to start first, a lab busy with something else or of another mode: the
 * request conflicts with the lab's state (409), and the sentence says what to do.
 */
const STATUS: Record<DomainCode, number> = {
  [BRIDGE_CODES.nodeDown]: 409,
  [BRIDGE_CODES.labBusy]: 409,
  [BRIDGE_CODES.notInThisMode]: 409,
  [BRIDGE_CODES.invalidRequest]: 400,
  [BRIDGE_CODES.notFound]: 404,
  [BRIDGE_CODES.labFailed]: 500,
  // Nothing is wrong with the request, and it may succeed later (a lab handed back, more labs listed).
  [BRIDGE_CODES.workshopFull]: 503,
  [BRIDGE_CODES.notAllowed]: 403,
  [BRIDGE_CODES.sessionExpired]: 401,
  [BRIDGE_CODES.tooManyAttempts]: 429,
};

const BRIDGE_FAILED = "The bridge failed to answer; see the terminal running npm start.";

/**
 * What to answer for a failure: an HttpError as it is; a domain error with its status and code, wrapping it; a
 * library's refusal of the request itself (a body too large, a malformed address) with its 4xx; anything else
 * as a 500 saying `failed`, wrapping the error so that the terminal line can name it.
 */
export function toHttpError(error: unknown, failed = BRIDGE_FAILED): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof DomainError) {
    return new HttpError(error.message, STATUS[error.code], { code: error.code, cause: error });
  }
  if (isBodyParserError(error)) return new HttpError(bodyParserSentence(error), error.status, { cause: error });
  const status = clientStatus(error);
  if (error instanceof URIError || status === 400) {
    return new HttpError("The address is not valid: it has a malformed %-escape.", 400, { cause: error });
  }
  if (status !== undefined) return new HttpError(`The request was refused (${status}).`, status, { cause: error });
  return new HttpError(failed, 500, { cause: error });
}

/** True when the answer means the bridge failed, not the request: those get a line in the terminal. */
export function isFailure(error: unknown, answer: HttpError): boolean {
  return answer.status === 500 && !(error instanceof HttpError);
}

/** The JSON body of every refusal. */
export function errorJson(error: HttpError): string {
  const { status, message, code } = error;
  const body: ApiError = { error: code ? { status, message, code } : { status, message } };
  return JSON.stringify(body);
}

/** Answers with the error's status and JSON body; a response already under way can only be ended. */
export function sendError(res: ServerResponse, error: HttpError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const json = errorJson(error);
  res.writeHead(error.status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(json),
    "X-Content-Type-Options": "nosniff",
  });
  res.end(json);
}

function bodyParserSentence(error: BodyParserError): string {
  if (error.type === "entity.too.large") {
    const limit = error.limit ? `${Math.round(error.limit / 1024)} kB` : "the bridge accepts";
    return `The request body is larger than ${limit}.`;
  }
  return error.type === "entity.parse.failed" ? "The request body is not valid JSON." : error.message;
}

/** The 4xx status a library's error carries (the router's for a parameter it can't decode, send's). */
function clientStatus(error: unknown): number | undefined {
  const status = typeof error === "object" && error !== null && "status" in error ? Number(error.status) : NaN;
  return status >= 400 && status < 500 ? status : undefined;
}

interface BodyParserError {
  status: number;
  type: string;
  message: string;
  limit?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === "object" && error !== null && "type" in error && "status" in error;
}
