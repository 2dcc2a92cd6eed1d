// The walkthrough's API server: POST /async-users writes one user to master and answers 201 with its id once
// the row is committed. It is the hot path of a 10,000-request load run, so it is served straight from Node's
// http server, ahead of Express (whose routing costs a third of the rate here, see bench/), with the same
// checks as every other route: loopback Host, own Origin, JSON only, a small body limit.
import type { IncomingMessage, ServerResponse } from "node:http";
import pg from "pg";
import { NodePools } from "../db/pools.ts";
import { newUserSchema } from "../../shared/api-schemas.ts";
import { BRIDGE_CODES } from "../../shared/api-types.ts";
import { HttpError, oneLine } from "../errors.ts";
import { isFailure, sendError, toHttpError } from "../http-errors.ts";
import type { Lab } from "../lab/lab.ts";
import { parseBody } from "../request-body.ts";
import { jsonRefusal, type AccessPolicy } from "../security.ts";
import { isMissingTable, isRowRefusal, MasterUnreachable, UserWriter, WriteOutcomeUnknown } from "./user-writer.ts";

export const ASYNC_USERS_PATH = "/async-users";
const BODY_LIMIT = 4096;
/** Strict: bytes that are not UTF-8 are refused, not replaced with U+FFFD behind the sender's back. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        reject(new HttpError(`The request body is larger than ${BODY_LIMIT / 1024} kB.`, 413));
        req.resume();
      } else {
        chunks.push(chunk);
      }
    });
    req.on("end", () => {
      try {
        resolve(UTF8.decode(Buffer.concat(chunks)));
      } catch {
        reject(new HttpError("The request body is not valid UTF-8.", 400));
      }
    });
    req.on("error", reject);
  });
}

function created(res: ServerResponse, id: number) {
  res.writeHead(201, { "Content-Type": "application/json; charset=utf-8", "X-Content-Type-Options": "nosniff" });
  res.end(JSON.stringify({ id }));
}

/**
 * What a failed write means for the client: refused for its data, not written, or written perhaps. These are
 * the walkthrough's API server's own answers (README's table under "Load and watch"), so they are decided here
 * rather than in the bridge's mapping of domain errors; anything else goes through that mapping.
 */
function writeRefusal(error: unknown): unknown {
  const cause = { cause: error };
  if (error instanceof WriteOutcomeUnknown) {
    return new HttpError(
      "master stopped answering after the INSERT was sent: the user may or may not have been written. " +
        "Look for it on master before sending it again.",
      504,
      { code: BRIDGE_CODES.outcomeUnknown, ...cause },
    );
  }
  if (error instanceof MasterUnreachable) {
    return new HttpError("master is not reachable: the user was not written.", 503, cause);
  }
  if (isMissingTable(error)) {
    return new HttpError("master has no users table yet: run sql/init.sql on it (lesson 3).", 409, cause);
  }
  if (isRowRefusal(error)) {
    return new HttpError(`master refused this user: ${error.message} (${error.code}).`, 400, cause);
  }
  if (error instanceof pg.DatabaseError && error.code === "57014") {
    const sentence = "master did not finish the write in time (statement_timeout): the user was not written.";
    return new HttpError(sentence, 503, cause);
  }
  if (error instanceof pg.DatabaseError) {
    return new HttpError(`master refused the write: ${error.message} (${error.code}).`, 500, cause);
  }
  return error;
}

export function asyncUsers(lab: Lab, statementTimeoutMs: number) {
  const pools = new NodePools(lab, { statementTimeoutMs, max: 4, applicationName: "replication-lab api" });
  const writer = new UserWriter(pools);

  async function write(req: IncomingMessage, policy: AccessPolicy): Promise<number> {
    const refusal =
      policy.hostRefusal(req) ??
      policy.originRefusal(req) ??
      (req.method === "POST" ? jsonRefusal(req.method, req.headers) : new HttpError("POST a user here.", 405));
    if (refusal) throw refusal;
    const text = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpError("The request body is not valid JSON.", 400);
    }
    const user = parseBody(newUserSchema, body);
    if (lab.node("master").state !== "up") throw new HttpError("master is down: the user was not written.", 503);
    try {
      return await writer.write(user);
    } catch (error) {
      throw writeRefusal(error);
    }
  }

  /** Answers POST /async-users; every failure is a JSON sentence with its status, and nothing is half-done. */
  function handle(req: IncomingMessage, res: ServerResponse, policy: AccessPolicy): void {
    write(req, policy).then(
      (id) => created(res, id),
      (error: unknown) => {
        const answer = toHttpError(error, "The API server failed; see the terminal running npm start.");
        if (isFailure(error, answer)) console.error(`async-users: ${oneLine(error)}`);
        sendError(res, answer);
      },
    );
  }

  return { handle, close: () => pools.end() };
}
