// The checks a console WebSocket passes before it is one: the same as for every API call, made on the
// upgrade request, and a refusal is a plain HTTP answer, so that nothing is ever upgraded for a stranger.
import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { isNodeName, NODE_NAMES, type NodeName } from "../../shared/api-types.ts";
import { CONSOLE_PATH } from "../../shared/console-protocol.ts";
import { HttpError } from "../errors.ts";
import { errorJson } from "../http-errors.ts";
import type { AccessPolicy } from "../security.ts";
import { HELP_ID } from "./shared.ts";

/** What a checked upgrade request asks for: the node to start on, and the help id to share the session under. */
export interface Handshake {
  node: NodeName;
  help: string | undefined;
}

/** Checks an upgrade request; what it asks for, or the HttpError to answer with. */
export function checkHandshake(req: IncomingMessage, policy: AccessPolicy): Handshake | HttpError {
  const refusal = policy.hostRefusal(req);
  if (refusal) return refusal;
  const url = new URL(req.url ?? "/", "http://lab");
  if (url.pathname !== CONSOLE_PATH) return new HttpError(`No such WebSocket: ${url.pathname}`, 404);
  const foreign = policy.originRefusal(req);
  if (foreign) return foreign;
  // Browsers can't set headers on a WebSocket, so the token comes in the query string, as for EventSource.
  const unauthorised = policy.authRefusal(req, "console");
  if (unauthorised) return unauthorised;
  const node = url.searchParams.get("node") ?? "master";
  if (!isNodeName(node)) return new HttpError(`"node" must be one of ${NODE_NAMES.join(", ")}.`, 400);
  const help = url.searchParams.get("help") ?? undefined;
  if (help !== undefined && !HELP_ID.test(help)) return new HttpError(`"help" is not a help request's id.`, 400);
  return { node, help };
}

/** Answers the upgrade request with an HTTP error, the body every refusal has, and closes the socket. */
export function refuse(socket: Duplex, error: HttpError): void {
  const json = errorJson(error);
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ""}\r\n` +
      "Content-Type: application/json; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(json)}\r\n` +
      "Connection: close\r\n\r\n" +
      json,
  );
}
