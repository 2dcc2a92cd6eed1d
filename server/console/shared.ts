// Console sessions shared for help (issue 14): the attendee's page opens its help terminal with `&help=ID`, and
// the session is kept here under that id for as long as its socket is open, so that the hub can attach the
// instructor's terminal to it in-process. Only the hub attaches; the id alone gives nothing to a stranger,
// because a WebSocket reaches a lab's console only through that lab's own checks.
import type { ConsoleSession } from "./session.ts";

/** What a help id may look like: the hub's request ids are 16 url-safe base64 characters. */
export const HELP_ID = /^[A-Za-z0-9_-]{8,64}$/;

export class SharedSessions {
  private readonly sessions = new Map<string, ConsoleSession>();
  private readonly waiters = new Map<string, Set<(session: ConsoleSession) => void>>();

  /** Shares `session` under `id` until it closes; a later session under the same id (a reconnect) takes over. */
  share(id: string, session: ConsoleSession): void {
    this.sessions.set(id, session);
    void session.closed.then(() => {
      if (this.sessions.get(id) === session) this.sessions.delete(id);
    });
    for (const wake of this.waiters.get(id) ?? []) wake(session);
    this.waiters.delete(id);
  }

  get(id: string): ConsoleSession | undefined {
    return this.sessions.get(id);
  }

  /**
   * The session shared under `id`, waiting up to `timeoutMs` for it: the instructor's terminal may ask a moment
   * before the attendee's page, which opens its own as soon as the attendee accepts, has it open.
   */
  whenShared(id: string, timeoutMs: number): Promise<ConsoleSession | undefined> {
    const known = this.sessions.get(id);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const waiting = this.waiters.get(id) ?? new Set();
      this.waiters.set(id, waiting);
      const timer = setTimeout(() => {
        waiting.delete(wake);
        if (waiting.size === 0 && this.waiters.get(id) === waiting) this.waiters.delete(id);
        resolve(undefined);
      }, timeoutMs);
      const wake = (session: ConsoleSession) => {
        clearTimeout(timer);
        resolve(session);
      };
      waiting.add(wake);
    });
  }
}
