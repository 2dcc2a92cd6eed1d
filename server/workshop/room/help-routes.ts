// Help in the console (issue 14), the hub's side. The instructor asks to join an attendee's console
// (POST /workshop/instructor/attendees/:id/help); the attendee's page shows the request and answers it
// (POST /workshop/help/:requestId); either ends it (POST /workshop/help/:requestId/end). Each change goes to the
// attendee's feed and the instructor's as a `help` message. Once accepted, the attendee's page opens its help
// terminal, a console WebSocket with `&help=<requestId>` that their lab's console shares under that id
// (server/console/shared.ts), and the instructor's terminal (WebSocket /workshop/instructor/help/<id>/console)
// is attached to that very session in-process: both see the same output, and both may type.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import express, { Router, type Request } from "express";
import { WebSocketServer, type WebSocket } from "ws";
import { z } from "zod";
import { GUEST_CLOSED, MAX_MESSAGE_BYTES } from "../../../shared/console-protocol.ts";
import type { HelpState } from "../../../shared/room/feed.ts";
import { refuse } from "../../console/handshake.ts";
import { HELP_ID } from "../../console/shared.ts";
import { HttpError, NotFound } from "../../errors.ts";
import { toHttpError } from "../../http-errors.ts";
import { parseBody } from "../../request-body.ts";
import { offeredToken } from "../../security.ts";
import type { LabApps } from "../lab-apps.ts";
import { sameSecret } from "../tokens.ts";
import { publicHostRefusal, publicOriginRefusal } from "../web-security.ts";
import type { RoomContext } from "./context.ts";
import { HelpRequests, type HelpParty, type HelpRequest } from "./help.ts";
import { instructorWithCsrf } from "./instructor-auth.ts";

/** The instructor's help terminal's WebSocket, with the request's id. */
export const HELP_CONSOLE_PATH = /^\/workshop\/instructor\/help\/([^/]+)\/console$/;
/** How long the instructor's terminal waits for the attendee's page to open its own, right after accepting. */
const ATTACH_WAIT_MS = 10_000;
const answerSchema = z.strictObject({ accept: z.boolean() });

type LabApp = Awaited<ReturnType<LabApps["get"]>>;

export function helpRoutes(room: RoomContext) {
  const requests = new HelpRequests();
  /** The instructor's sockets attached to each request's session, closed when the help ends. */
  const attached = new Map<string, Set<WebSocket>>();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const router = Router();

  function publish(request: HelpRequest): void {
    const message: HelpState = {
      type: "help",
      attendeeId: request.attendeeId,
      requestId: request.id,
      state: request.state,
    };
    room.bus.toAttendee(request.attendeeId, message);
    room.bus.toInstructors(message);
  }

  function finish(request: HelpRequest): void {
    publish(request);
    for (const socket of attached.get(request.id) ?? []) socket.close(GUEST_CLOSED, "The help ended.");
    attached.delete(request.id);
  }

  const shown = (request: HelpRequest) => ({
    requestId: request.id,
    attendeeId: request.attendeeId,
    state: request.state,
  });

  router.post("/workshop/instructor/attendees/:id/help", instructorWithCsrf(room.sessions), async (req, res) => {
    const attendee = await room.store.attendee(String(req.params["id"]));
    if (!attendee) throw new NotFound("There is no such attendee in this workshop.");
    const request = requests.ask(attendee.id, attendee.displayName);
    publish(request);
    res.status(201).json(shown(request));
  });

  /** The attendee's open request, if any: the room's element asks for it when it is drawn. */
  router.get("/workshop/instructor/attendees/:id/help", async (req, res) => {
    await room.sessions.instructor(req);
    const open = requests.openFor(String(req.params["id"]));
    res.set("Cache-Control", "no-store").json({ request: open ? shown(open) : null });
  });

  router.get("/workshop/instructor/help/:requestId", async (req, res) => {
    await room.sessions.instructor(req);
    res
      .set("Cache-Control", "no-store")
      .json(shown(requests.of(String(req.params["requestId"]), { instructor: true })));
  });

  /** The attendee's own open request: a page opened after the instructor asked shows the question too. */
  router.get("/workshop/me/help", async (req, res) => {
    const { attendee } = await room.sessions.attendee(req);
    const open = requests.openFor(attendee.id);
    res.set("Cache-Control", "no-store").json({ request: open ? shown(open) : null });
  });

  router.post("/workshop/help/:requestId", express.json({ limit: "1kb" }), async (req, res) => {
    const { attendeeId } = await attendeeWithCsrf(req);
    const { accept } = parseBody(answerSchema, req.body);
    const request = requests.answer(String(req.params["requestId"]), attendeeId, accept);
    publish(request);
    res.json(shown(request));
  });

  router.post("/workshop/help/:requestId/end", async (req, res) => {
    const request = requests.end(String(req.params["requestId"]), await party(req));
    finish(request);
    res.json(shown(request));
  });

  async function attendeeWithCsrf(req: IncomingMessage): Promise<{ attendeeId: string }> {
    const { attendee, csrf } = await room.sessions.attendee(req);
    if (!sameSecret(offeredToken(req, "api"), csrf)) {
      throw new HttpError("Missing or wrong CSRF token: reload the page from the workshop's address.", 403);
    }
    return { attendeeId: attendee.id };
  }

  /** Who ends a request: the instructor's page sends X-CSRF-Token, the attendee's its Bearer token. */
  async function party(req: Request): Promise<HelpParty> {
    if (req.headers["x-csrf-token"] === undefined) return attendeeWithCsrf(req);
    const { csrf } = await room.sessions.instructor(req);
    if (!sameSecret(String(req.headers["x-csrf-token"]), csrf)) {
      throw new HttpError("Missing or wrong CSRF token: reload the page.", 403);
    }
    return { instructor: true };
  }

  /**
   * The instructor's help terminal: the hub's `upgrade` hands every WebSocket here first; true when it was this
   * one (answered here, attached or refused), false for any other.
   */
  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const match = HELP_CONSOLE_PATH.exec((req.url ?? "/").split("?")[0]!);
    if (!match) return false;
    attachInstructor(req, socket, head, decodeURIComponent(match[1]!)).catch((error: unknown) =>
      refuse(socket, toHttpError(error)),
    );
    return true;
  }

  async function attachInstructor(req: IncomingMessage, socket: Duplex, head: Buffer, id: string): Promise<void> {
    const refusal = publicHostRefusal(room.address, req.headers) ?? publicOriginRefusal(room.address, req);
    if (refusal) throw refusal;
    // Browsers always send Origin with a WebSocket; a request without one comes from no page of the hub.
    if (req.headers.origin === undefined) throw new HttpError("A help terminal opens from the room's page only.", 403);
    await room.sessions.instructor(req);
    if (!HELP_ID.test(id)) throw new NotFound("There is no such help request.");
    const request = requests.of(id, { instructor: true });
    const accepted = () => {
      if (request.state !== "accepted") {
        throw new HttpError(`The attendee's console can't be joined: the help request is ${request.state}.`, 409);
      }
    };
    accepted();
    const attendee = await room.store.attendee(request.attendeeId);
    if (!attendee) throw new NotFound("There is no such attendee in this workshop.");
    const labApp = await room.labs.get(attendee.labId, attendee.displayName);
    const session = await labApp.sharedConsoles.whenShared(id, ATTACH_WAIT_MS);
    if (!session) throw new HttpError("The attendee's help terminal is not open: ask them to open it again.", 409);
    accepted();
    sockets.handleUpgrade(req, socket, head, (ws) => {
      const own = attached.get(id) ?? new Set();
      attached.set(id, own.add(ws));
      ws.once("close", () => own.delete(ws));
      session.attach(ws);
    });
  }

  /**
   * The attendee's console WebSocket, checked when it asks to be shared (`&help=`): only for their own accepted
   * request. The refusal to answer with, or undefined; once admitted, the help ends when that terminal closes.
   */
  function admit(req: IncomingMessage, attendeeId: string, labApp: LabApp): HttpError | undefined {
    const id = new URL(req.url ?? "/", "http://hub").searchParams.get("help");
    if (id === null) return undefined;
    const request = requests.openFor(attendeeId);
    if (request?.id !== id || request.state !== "accepted") {
      return new HttpError("This console can't be shared: it is not a help request you accepted.", 403);
    }
    void labApp.sharedConsoles.whenShared(id, ATTACH_WAIT_MS).then((session) =>
      session?.closed.then(() => {
        if (request.state === "accepted") finish(requests.end(id, { attendeeId }));
      }),
    );
    return undefined;
  }

  return Object.assign(router, { upgrade, admit });
}
