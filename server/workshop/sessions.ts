// Sessions: a random token in an HttpOnly, SameSite=Strict cookie, its SHA-256 in the hub's database. Looked up
// on every API call, so a lookup is remembered for a few seconds; an ended or expired session is refused within
// that time at most.
import type { IncomingMessage, ServerResponse } from "node:http";
import { SessionExpired } from "../errors.ts";
import type { Attendee, HubStore, Session, SessionRole } from "./store/store.ts";
import { hashToken, newSessionToken, type HubSecrets } from "./tokens.ts";
import { INSTRUCTOR_COOKIE, readCookie, SESSION_COOKIE, sessionCookie } from "./web-security.ts";

const REMEMBER_MS = 5000;
/** last_seen is written at most this often per attendee. */
const TOUCH_MS = 60_000;

export interface Resolved {
  token: string;
  session: Session;
  csrf: string;
}

export interface AttendeeSession extends Resolved {
  attendee: Attendee;
}

export class Sessions {
  private readonly recent = new Map<string, { session: Session | null; until: number }>();
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly store: HubStore,
    private readonly secrets: HubSecrets,
    private readonly options: { lifetimeMs: number; secure: boolean },
  ) {}

  private cookieName(role: SessionRole): string {
    return role === "attendee" ? SESSION_COOKIE : INSTRUCTOR_COOKIE;
  }

  /** The request's session of this role, or null when it has none that is valid. */
  async find(req: IncomingMessage, role: SessionRole): Promise<Resolved | null> {
    const token = readCookie(req.headers, this.cookieName(role));
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const key = hashToken(token).toString("base64url");
    let known = this.recent.get(key);
    if (!known || known.until < Date.now()) {
      const session = await this.store.session(hashToken(token));
      known = { session, until: Date.now() + REMEMBER_MS };
      this.recent.set(key, known);
      if (this.recent.size > 10_000) this.recent.clear();
    }
    const session = known.session;
    if (!session || session.role !== role || session.expires.getTime() <= Date.now()) return null;
    return { token, session, csrf: this.secrets.csrfToken(token) };
  }

  /** The attendee's session; SessionExpired (401) when the request has none. */
  async attendee(req: IncomingMessage): Promise<AttendeeSession> {
    const found = await this.find(req, "attendee");
    if (!found?.session.attendee) {
      throw new SessionExpired(
        "You have no workshop session in this browser (or it expired): open the join " +
          "link, or your personal rejoin link.",
      );
    }
    const attendee = found.session.attendee;
    const last = this.touched.get(attendee.id) ?? 0;
    if (Date.now() - last > TOUCH_MS) {
      this.touched.set(attendee.id, Date.now());
      void this.store.touch(attendee.id).catch(() => {});
    }
    return { ...found, attendee };
  }

  async instructor(req: IncomingMessage): Promise<Resolved> {
    const found = await this.find(req, "instructor");
    if (!found) throw new SessionExpired("Log in as the instructor first (the passphrase is in the hub's terminal).");
    return found;
  }

  /** Starts a session and sets its cookie; returns its CSRF token. */
  async issue(res: ServerResponse, role: SessionRole, attendeeId: string | null): Promise<string> {
    const token = newSessionToken();
    const expires = new Date(Date.now() + this.options.lifetimeMs);
    await this.store.addSession(hashToken(token), role, attendeeId, expires);
    res.appendHeader("Set-Cookie", sessionCookie(this.cookieName(role), token, expires, this.options.secure));
    return this.secrets.csrfToken(token);
  }
}
