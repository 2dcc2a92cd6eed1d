// The workshop hub: one HTTP server for every attendee. Its own routes (joining, rejoining, the instructor's
// page) are here; every /api/* request, /async-users and the console's WebSocket are handed, by the attendee's
// session, to the bridge app of their lab (lab-apps.ts: the same createApp single-user mode runs), so no route
// of the bridge exists twice.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import express, { type NextFunction, type Request, type Response } from "express";
import QRCode from "qrcode";
import { errorHandler } from "../app.ts";
import { refuse } from "../console/handshake.ts";
import { DomainError, HttpError, InvalidRequest, NotAllowed, TooManyAttempts } from "../errors.ts";
import { sendError, toHttpError } from "../http-errors.ts";
import { KEEP_ALIVE_MS } from "../routes/event-stream.ts";
import { siteRoutes } from "../site.ts";
import { IdleLabs } from "./idle-labs.ts";
import { LabApps, type LabAppOptions } from "./lab-apps.ts";
import { markFromHub } from "./lab-policy.ts";
import { dashboardPage, joinPage, loginPage } from "./pages.ts";
import { progressRoutes } from "./progress-routes.ts";
import { attendeeFeedRoutes } from "./room/attendee-feed.ts";
import { helpRoutes } from "./room/help-routes.ts";
import { RoomBus } from "./room/bus.ts";
import { classRoutes } from "./room/class-routes.ts";
import { instructorSessionRoutes } from "./room/instructor-auth.ts";
import { roomRoutes } from "./room/room-routes.ts";
import type { RoomContext } from "./room/context.ts";
import type { LabProvider } from "./provider.ts";
import { Sessions } from "./sessions.ts";
import type { Attendee, HubStore } from "./store/store.ts";
import { newJoinCode, sameSecret, type HubSecrets } from "./tokens.ts";
import {
  publicHostRefusal,
  publicOriginRefusal,
  readCookie,
  SESSION_COOKIE,
  type PublicAddress,
} from "./web-security.ts";

export interface HubOptions extends LabAppOptions {
  store: HubStore;
  provider: LabProvider;
  secrets: HubSecrets;
  address: PublicAddress;
  /** How long a session lasts; a week when not given (a workshop over several days keeps its labs). */
  sessionLifetimeMs?: number;
  /** Failed passphrase attempts allowed per address per minute; 5 when not given. */
  passphraseLimit?: number;
  /** A lab without a call for this long is parked (idle-labs.ts); 30 minutes when not given, 0 never. */
  idleMs?: number;
}

export const DEFAULT_IDLE_MINUTES = 30;

export const PASSPHRASE_WINDOW_MS = 60_000;
const WEEK_MS = 7 * 24 * 3_600_000;
const HTML_HEADERS = {
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'",
  "Cache-Control": "no-store",
};

/** Where the page goes once it has a session: the lessons, the CSRF token in the fragment (never sent anywhere). */
export function lessonsUrl(csrf: string): string {
  return `/#lab-token=${csrf}`;
}

export function createHub(options: HubOptions) {
  const { store, provider, secrets, address } = options;
  const sessions = new Sessions(store, secrets, {
    lifetimeMs: options.sessionLifetimeMs ?? WEEK_MS,
    secure: address.scheme === "https",
  });
  const labs = new LabApps(provider, address, options);
  const idle = new IdleLabs(provider, { idleMs: options.idleMs ?? DEFAULT_IDLE_MINUTES * 60_000 });
  const limit = options.passphraseLimit ?? 5;
  const bus = new RoomBus();
  // What the room's routes share (issue 14): each group of them is wired below with one line.
  const room: RoomContext = {
    sessions,
    store,
    labs,
    idle,
    provider,
    bus,
    secrets,
    address,
    keepAliveMs: options.keepAliveMs ?? KEEP_ALIVE_MS,
  };

  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.set("trust proxy", false);
  app.use((req, res, next) => {
    // "same-origin", not the bridge's "no-referrer": under no-referrer a browser sends `Origin: null` with a form's
    // POST (the join form, the instructor's), which the Origin check must refuse; nothing goes to other sites.
    res.set({ "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY" });
    next(publicHostRefusal(address, req.headers) ?? publicOriginRefusal(address, req));
  });
  const forms = [express.urlencoded({ extended: false, limit: "8kb" }), express.json({ limit: "8kb" })];
  const wantsJson = (req: Request) => (req.headers["content-type"] ?? "").startsWith("application/json");
  const html = (res: Response, status: number, body: string) =>
    res.status(status).set(HTML_HEADERS).type("html").send(body);
  const field = (req: Request, name: string) => {
    const value = (req.body as Record<string, unknown> | undefined)?.[name];
    return typeof value === "string" ? value : "";
  };

  app.get("/join", async (req, res) => {
    const found = await sessions.find(req, "attendee");
    if (found) return res.redirect(303, lessonsUrl(found.csrf));
    html(res, 200, joinPage({ code: String(req.query["code"] ?? "") }));
  });

  app.post("/workshop/join", ...forms, async (req, res) => {
    const code = field(req, "code").trim().toUpperCase();
    const name = field(req, "name").trim();
    try {
      const joined = await join(req, res, code, name);
      if (wantsJson(req)) res.json(joined);
      else res.redirect(303, joined.next);
    } catch (error) {
      if (wantsJson(req) || !(error instanceof DomainError)) throw error;
      html(res, toHttpError(error).status, joinPage({ code, name, error: error.message }));
    }
  });

  async function join(req: Request, res: Response, code: string, name: string) {
    // The same browser joining again keeps its lab: a second tab, or the join page bookmarked.
    const already = await sessions.find(req, "attendee");
    const known = already?.session.attendee;
    if (already && known) return joinedAs(known, already.csrf);
    await checkJoinCode(code);
    if (name.length < 1 || name.length > 60 || /[\u0000-\u001f]/.test(name)) {
      throw new InvalidRequest("Type a display name of 1 to 60 characters.");
    }
    const provided = await provider.acquire();
    const attendee = await store.addAttendee({
      id: randomBytes(9).toString("base64url"),
      displayName: name,
      labId: provided.id,
    });
    const csrf = await sessions.issue(res, "attendee", attendee.id);
    return joinedAs(attendee, csrf);
  }

  /** The attendee's personal rejoin link: it moves their session, and so their lab, to another browser. */
  function rejoinLink(attendeeId: string): string {
    return `${address.baseUrl}/workshop/rejoin/${secrets.rejoinToken(attendeeId)}`;
  }

  function joinedAs(attendee: Attendee, csrf: string) {
    labs.prepare(attendee.labId, attendee.displayName);
    return {
      lab: attendee.labId,
      csrf,
      rejoin: rejoinLink(attendee.id),
      next: lessonsUrl(csrf),
    };
  }

  async function checkJoinCode(code: string): Promise<void> {
    const known = /^[A-Z0-9]{4,12}$/.test(code) ? await store.joinCode(code) : null;
    if (!known) throw new NotAllowed(`"${code}" is not this workshop's join code: check it with your instructor.`);
    if (known.revoked) throw new NotAllowed(`The join code ${code} was revoked: ask your instructor for the new one.`);
    if (known.expires.getTime() <= Date.now()) {
      throw new NotAllowed(`The join code ${code} has expired: ask your instructor for a new one.`);
    }
  }

  // The personal rejoin link: the same attendee and lab in another browser or on another device.
  app.get("/workshop/rejoin/:token", async (req, res) => {
    const id = secrets.rejoinAttendee(String(req.params["token"]));
    const attendee = id ? await store.attendee(id) : null;
    if (!attendee) throw new NotAllowed("This rejoin link is not valid for this workshop.");
    const csrf = await sessions.issue(res, "attendee", attendee.id);
    res.redirect(303, lessonsUrl(csrf));
  });

  /** Who the page's attendee is: their name for the header, and their rejoin link. */
  app.get("/workshop/me", async (req, res) => {
    const { attendee } = await sessions.attendee(req);
    const rejoin = rejoinLink(attendee.id);
    res.set("Cache-Control", "no-store").json({ name: attendee.displayName, lab: attendee.labId, rejoin });
  });

  /**
   * The rejoin link as a QR code, for the lab page's "Use on another device": a phone's camera takes it from the
   * screen. It is the attendee's credential, so it is answered to their session only and never cached.
   */
  app.get("/workshop/me/rejoin.svg", async (req, res) => {
    const { attendee } = await sessions.attendee(req);
    const rejoin = rejoinLink(attendee.id);
    // Level L keeps the long link's code coarse enough for a camera to read off a laptop's screen, and the four
    // modules of white margin are the quiet zone readers need when the page around it is dark.
    const svg = await QRCode.toString(rejoin, { type: "svg", errorCorrectionLevel: "L", margin: 4, width: 200 });
    res.set({ "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'" }).type("svg").send(svg);
  });

  app.use(progressRoutes(sessions, store, bus));
  app.use(attendeeFeedRoutes(room));
  app.use(instructorSessionRoutes(sessions));
  app.use(roomRoutes(room));
  app.use(classRoutes(room));
  const help = helpRoutes(room);
  app.use(help);

  app.get("/instructor", async (req, res) => {
    const found = await sessions.find(req, "instructor");
    if (!found) return void html(res, 200, loginPage());
    const codes = await store.joinCodes();
    const now = Date.now();
    const live = codes.filter((code) => !code.revoked && code.expires.getTime() > now).at(-1);
    const joinUrl = (code: string) => `${address.baseUrl}/join?code=${code}`;
    const qrSvg = live ? await QRCode.toString(joinUrl(live.code), { type: "svg", margin: 1, width: 240 }) : null;
    const status = provider.status();
    const attendees = await store.attendees();
    const disk = await Promise.all(attendees.map((a) => labs.disk.bytes(a.labId).catch(() => null)));
    html(
      res,
      200,
      dashboardPage({
        joinUrl,
        qrSvg,
        codes,
        attendees: attendees.map((attendee, i) => ({ ...attendee, diskBytes: disk[i] ?? null })),
        csrf: found.csrf,
        labs:
          `${status.assigned} in use, ${status.parked} parked, ${status.ready} ready, ` +
          `${status.starting} starting, ${status.capacityLeft} more possible`,
      }),
    );
  });

  /**
   * The workshop's state for the instructor as JSON: the labs' counts, the load queue, and each attendee's lab
   * with the disk it takes (at most a few seconds old: disk-meter.ts; a parked lab is not started for it).
   */
  app.get("/workshop/instructor/status", async (req, res) => {
    await sessions.instructor(req);
    const attendees = await store.attendees();
    const disk = await Promise.all(attendees.map((a) => labs.disk.bytes(a.labId).catch(() => null)));
    res.set("Cache-Control", "no-store").json({
      labs: provider.status(),
      loadQueue: labs.loadQueue.status(),
      attendees: attendees.map((attendee, i) => ({
        name: attendee.displayName,
        lab: attendee.labId,
        lastSeen: attendee.lastSeen,
        diskBytes: disk[i],
      })),
    });
  });

  app.post("/workshop/instructor/login", ...forms, async (req, res) => {
    const addressOf = req.socket.remoteAddress ?? "unknown";
    const passphrase = field(req, "passphrase");
    const outcome = await store.passphraseAttempt(addressOf, limit, PASSPHRASE_WINDOW_MS, () =>
      secrets.passphraseMatches(passphrase),
    );
    if (outcome === "limited") {
      throw new TooManyAttempts(`Too many wrong passphrases from ${addressOf}: wait a minute and try again.`);
    }
    if (outcome === "wrong") {
      if (wantsJson(req)) throw new NotAllowed("That is not the instructor's passphrase.");
      return void html(res, 403, loginPage("That is not the instructor's passphrase."));
    }
    const csrf = await sessions.issue(res, "instructor", null);
    if (wantsJson(req)) res.json({ csrf });
    else res.redirect(303, "/instructor");
  });

  /** The instructor's state changes carry the session's CSRF token, in a form field or a header. */
  async function instructorWithCsrf(req: Request, _res: Response, next: NextFunction) {
    const { csrf } = await sessions.instructor(req);
    const offered = field(req, "csrf") || String(req.headers["x-csrf-token"] ?? "");
    next(sameSecret(offered, csrf) ? undefined : new HttpError("Missing or wrong CSRF token: reload the page.", 403));
  }

  app.post("/workshop/instructor/codes", ...forms, instructorWithCsrf, async (req, res) => {
    const minutes = Number(field(req, "minutes") || (req.body as { minutes?: unknown })?.minutes || 120);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
      throw new InvalidRequest("A join code lasts 1 to 1440 minutes.");
    }
    const made = await store.addJoinCode(newJoinCode(), new Date(Date.now() + minutes * 60_000));
    if (wantsJson(req)) res.json({ code: made.code, expires: made.expires });
    else res.redirect(303, "/instructor");
  });

  app.post("/workshop/instructor/codes/revoke", ...forms, instructorWithCsrf, async (req, res) => {
    const code = field(req, "code").trim().toUpperCase();
    if (!(await store.revokeJoinCode(code))) throw new InvalidRequest(`There is no join code ${code}.`);
    if (wantsJson(req)) res.json({ revoked: code });
    else res.redirect(303, "/instructor");
  });

  // The lessons' front page, for a browser without a session: the join form first.
  app.get("/", (req, res, next) => {
    if (readCookie(req.headers, SESSION_COOKIE)) return next();
    res.redirect(303, "/join");
  });
  app.use(siteRoutes(options.siteDir, { workshop: true }));
  app.use(errorHandler);

  /** /api/*, /async-users: the attendee's lab's own bridge app answers, with the session checked first. */
  async function toLab(
    req: IncomingMessage,
  ): Promise<{ labApp: Awaited<ReturnType<LabApps["get"]>>; labId: string; attendeeId: string }> {
    const refusal = publicHostRefusal(address, req.headers) ?? publicOriginRefusal(address, req);
    if (refusal) throw refusal;
    const { attendee, csrf } = await sessions.attendee(req);
    // Seen before the lab is got: a parked lab starts again now, and must not be parked again meanwhile.
    idle.seen(attendee.labId);
    const labApp = await labs.get(attendee.labId, attendee.displayName);
    markFromHub(req, { labId: attendee.labId, csrf });
    return { labApp, labId: attendee.labId, attendeeId: attendee.id };
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const pathname = (req.url ?? "/").split("?")[0]!;
    if (!pathname.startsWith("/api/") && pathname !== "/api" && pathname !== "/async-users") return app(req, res);
    toLab(req).then(
      ({ labApp }) => labApp.handler(req, res),
      (error: unknown) => sendError(res, toHttpError(error)),
    );
  };

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => {});
    // The instructor's help terminal (room/help-routes.ts); an attendee's shared console is checked there too.
    if (help.upgrade(req, socket, head)) return;
    toLab(req).then(
      ({ labApp, labId, attendeeId }) => {
        const refusal = help.admit(req, attendeeId, labApp);
        if (refusal) return refuse(socket, refusal);
        labApp.upgrade(req, socket, head);
        // What the console types is a call too. The WebSocket server reads the socket from here on (it attached
        // its own listener within upgrade), so this extra listener loses it nothing.
        socket.on("data", () => idle.seen(labId));
      },
      (error: unknown) => refuse(socket, toHttpError(error)),
    );
  };

  /** A new join code valid for `minutes`, as `npm run workshop` makes at start. */
  const makeJoinCode = (minutes: number) => store.addJoinCode(newJoinCode(), new Date(Date.now() + minutes * 60_000));

  const close = async () => {
    await idle.close();
    await labs.close();
  };
  return { handler, upgrade, makeJoinCode, close };
}
