// The walkthrough's API server: POST /async-users writes one user to master and answers 201 with its id once
// the row is committed. It is the hot path of a 10,000-request load run, so it is served straight from Node's
// http server, ahead of Express (whose routing costs a third of the rate here, see bench/), with the same
// checks as every other route: loopback Host, own Origin, JSON only, a small body limit.
import type { IncomingMessage, ServerResponse } from "node:http";
import pg from "pg";
import { NodePools } from "../db/pools.ts";
import { HttpError, oneLine } from "../errors.ts";
import type { Lab } from "../lab/lab.ts";
import { hostRefusal, jsonRefusal, originRefusal } from "../security.ts";
import { isMissingTable, UserWriter, type NewUser } from "./user-writer.ts";

export const ASYNC_USERS_PATH = "/async-users";
const BODY_LIMIT = 4096;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function parseUser(body: unknown): NewUser {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError('Send a JSON object: { "name": "...", "email": "..." }.', 400);
  }
  const { name, email } = body as Record<string, unknown>;
  if (typeof name !== "string" || name.trim() === "") throw new HttpError('"name" must be a non-empty string.', 400);
  if (name.length > 200) throw new HttpError('"name" must be at most 200 characters.', 400);
  if (typeof email !== "string" || !EMAIL.test(email)) throw new HttpError('"email" must be an email address.', 400);
  if (email.length > 320) throw new HttpError('"email" must be at most 320 characters.', 400);
  return { name, email };
}

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
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "X-Content-Type-Options": "nosniff" });
  res.end(JSON.stringify(body));
}

export function asyncUsers(lab: Lab, statementTimeoutMs: number) {
  const pools = new NodePools(lab, { statementTimeoutMs, max: 4, applicationName: "replication-lab api" });
  const writer = new UserWriter(pools);

  async function write(req: IncomingMessage, port: number): Promise<number> {
    const refusal =
      hostRefusal(req.headers, port) ??
      originRefusal(req.headers, port) ??
      (req.method === "POST" ? jsonRefusal(req.method, req.headers) : new HttpError("POST a user here.", 405));
    if (refusal) throw refusal;
    const text = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpError("The request body is not valid JSON.", 400);
    }
    const user = parseUser(body);
    if (lab.node("master").state !== "up") throw new HttpError("master is down: the user was not written.", 503);
    try {
      return await writer.write(user);
    } catch (error) {
      if (isMissingTable(error)) throw new HttpError("master has no users table yet: run sql/init.sql on it (lesson 3).", 409);
      if (error instanceof pg.DatabaseError && !/^(57P|08)/.test(error.code ?? "")) {
        throw new HttpError(`master refused the write: ${error.message} (${error.code}).`, 500);
      }
      throw new HttpError("master is not reachable: the user was not written.", 503);
    }
  }

  /** Answers POST /async-users; every failure is a JSON sentence with its status, and nothing is half-done. */
  function handle(req: IncomingMessage, res: ServerResponse, port: number): void {
    write(req, port).then(
      (id) => send(res, 201, { id }),
      (error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        const message = error instanceof HttpError ? error.message : "The API server failed; see the terminal running npm start.";
        if (!(error instanceof HttpError)) console.error(`async-users: ${oneLine(error)}`);
        send(res, status, { error: { status, message } });
      },
    );
  }

  return { handle, close: () => pools.end() };
}
