// The psql console's messages over its WebSocket: small JSON objects, { type: ... }. The bridge
// (server/console) and the page (src/lib/console) both import this module, and neither imports the other.
import type { NodeName } from "./api-types.ts";

/** Where the page opens a console session: `?token=...&node=master`. */
export const CONSOLE_PATH = "/api/console";

/**
 * The close code a terminal attached to a shared session (an instructor helping) gets when that session ends or
 * the help does: the page does not reconnect, and shows the reason the close carries.
 */
export const GUEST_CLOSED = 4000;

/** The most a message may carry; psql lines are short, and a pasted script fits in this. */
export const MAX_MESSAGE_BYTES = 100 * 1024;

/**
 * What a statement's text leaves open at its end: a quote, a dollar quote, a block comment or a parenthesis.
 * psql's continuation prompt shows it (%R in PROMPT2); null when only a semicolon is missing, or nothing is.
 * The bridge's splitter (server/psql/split-sql.ts) finds it; the page's prompt shows it.
 */
export type Unclosed = "'" | '"' | "$" | "*" | "(" | null;

/** The server's transaction status as psql's %x shows it: idle, in a block, in a failed block. */
export type TransactionState = "idle" | "block" | "failed";

/** What psql's default prompts (`%/%R%x%# `) are made of. */
export interface PromptState {
  /** The node the session is on, or was on when its connection went away. */
  node: NodeName;
  /** The connected database, null while the session has no connection. */
  database: string | null;
  superuser: boolean;
  transaction: TransactionState;
  /**
   * null: a new statement starts (PROMPT1). Otherwise the query buffer holds an unfinished statement
   * (PROMPT2): "-" when only its end is missing, or the quote, comment or parenthesis it leaves open.
   */
  continuation: "-" | Exclude<Unclosed, null> | null;
}

/** What the page sends: a line or a Ctrl+C, checked by the bridge against its schema in console-schemas.ts. */
export type { ClientMessage } from "./console-schemas.ts";

export type ServerMessage =
  /** Text as psql prints it, lines ending in \n. */
  | { type: "output"; text: string }
  /**
   * A line another terminal of the same session sent (an instructor helping, or the attendee they help): the
   * terminal shows it after its prompt, as if typed there, and waits for its output.
   */
  | { type: "echo"; text: string }
  /** To the terminal that opened a shared session: how many other terminals are attached to it now. */
  | { type: "guests"; count: number }
  /** The session waits for the next line. */
  | { type: "ready"; prompt: PromptState }
  /** The session ended (\q); the socket closes after this. */
  | { type: "bye" };
