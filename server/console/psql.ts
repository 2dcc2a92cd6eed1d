// The console's psql: one session's state (its connection, query buffer, \x, \timing, the previous
// query) and what it prints for each line, as psql would. The meta-commands are in session-commands.ts.
import type pg from "pg";
import { BRIDGE_CODES, type NodeName } from "../../shared/api-types.ts";
import type { PromptState } from "../../shared/console-protocol.ts";
import type { Display } from "../psql/format.ts";
import type { SqlPiece, Unclosed } from "../psql/split-sql.ts";
import type { MetaOutcome } from "../psql/meta-command.ts";
import type { RunOptions, StatementOutcome } from "../db/run-types.ts";
import { TypeNames } from "../db/type-names.ts";
import type { Lab } from "../lab/lab.ts";
import { NO_ANSWER_GRACE_MS } from "../db/limits.ts";
import { Activity } from "./activity.ts";
import { NodeConnection, NodeDown } from "./connection.ts";
import { MAX_BUFFER, readLine } from "./input.ts";
import type { PsqlSession } from "./psql-session.ts";
import { runConsoleMeta } from "./session-commands.ts";
import {
  greetingText,
  lostText,
  NOT_CONNECTED,
  nodeDownText,
  noticeText,
  notificationText,
  outcomeText,
  type ConsoleError,
} from "../psql/print.ts";
import { runConsoleStatement } from "./console-statement.ts";

export interface PsqlOptions {
  lab: Lab;
  statementTimeoutMs: number;
  rowLimit: number;
  write: (text: string) => void;
}

export class Psql implements PsqlSession {
  connection: NodeConnection | null = null;
  buffer = "";
  unclosed: Unclosed = null;
  /** The last query sent: \g, \watch and \p use it when the query buffer is empty, as psql does. */
  previous: string | null = null;
  /**
   * The console starts under \x auto, as a .psqlrc often asks: four terminals side by side are about 70 columns
   * wide, and a wide result (\dRs+) shows one field a line instead of wrapping into a jumble.
   */
  readonly display: Display = { expanded: "auto" };
  timing = false;
  /** What the line being run is doing; \watch waits on it between runs. */
  activity: Activity | null = null;
  /** NOTIFYs that came while a line ran: psql prints them after the result, not in the middle of it. */
  private notifications = "";
  private closed = false;
  private readonly typeNames = new Map<NodeName, TypeNames>();

  constructor(
    public node: NodeName,
    private readonly options: PsqlOptions,
  ) {}

  write(text: string): void {
    if (!this.closed && text !== "") this.options.write(text);
  }

  /** The prompt, once the server has said what state the session is in. */
  async prompt(): Promise<PromptState> {
    await this.connection?.settle();
    const connection = this.connection;
    return {
      node: this.node,
      database: connection ? connection.database : null,
      superuser: connection?.superuser ?? false,
      transaction: connection?.transaction ?? "idle",
      continuation: this.buffer === "" ? null : (this.unclosed ?? "-"),
    };
  }

  /** The session's first connection, with a greeting in place of psql's banner. */
  async start(): Promise<void> {
    if (await this.connect(this.node)) this.write(greetingText(this.connection?.version ?? "", this.node));
  }

  /** Connects to a node. When it can't be reached, the session keeps the connection it had, if any. */
  async connect(node: NodeName): Promise<boolean> {
    let next: NodeConnection;
    try {
      next = await this.open(node);
    } catch (error) {
      if (!(error instanceof NodeDown)) throw error;
      const kept = this.connection !== null && !this.connection.lost;
      this.write(nodeDownText(node, error.message, kept));
      if (!kept) {
        await this.connection?.end();
        this.connection = null;
        this.node = node;
      }
      return false;
    }
    if (this.closed) {
      await next.end();
      return false;
    }
    await this.connection?.end();
    this.connection = next;
    this.node = node;
    return true;
  }

  private open(node: NodeName): Promise<NodeConnection> {
    const { lab, statementTimeoutMs } = this.options;
    return NodeConnection.open(lab, node, {
      statementTimeoutMs,
      onNotice: (notice) => this.write(noticeText(notice)),
      onNotification: (notification) => {
        this.notifications += notificationText(notification);
        if (!this.activity) this.flushNotifications();
      },
    });
  }

  /** One line the learner entered. Resolves when what it started is over: a \watch runs until Ctrl+C. */
  async line(text: string): Promise<"quit" | undefined> {
    const read = readLine(this.buffer, text);
    if (read.overflow)
      this.write(
        `psql: error: the query buffer passed ${MAX_BUFFER / 1024} kB without a semicolon, so it was emptied\n`,
      );
    this.buffer = read.buffer;
    this.unclosed = read.unclosed;
    const activity = new Activity();
    this.activity = activity;
    try {
      for (const step of read.steps) {
        // Ctrl+C stops the whole line, not only the statement it caught.
        if (activity.cancelled || this.closed) break;
        if (step.kind === "sql") await this.statement(step);
        else if ((await runConsoleMeta(this, step)) === "quit") return "quit";
      }
    } finally {
      this.activity = null;
      this.flushNotifications();
    }
    return undefined;
  }

  private flushNotifications(): void {
    this.write(this.notifications);
    this.notifications = "";
  }

  private async statement(piece: SqlPiece): Promise<void> {
    const connection = this.connection;
    if (!connection) return this.write(NOT_CONNECTED);
    this.previous = piece.text;
    await this.show(await this.run(connection.client, piece, this.runOptions()));
  }

  /** Runs one statement, marked as on the server so that Ctrl+C cancels it there; meta-command.ts calls it too. */
  readonly run = async (client: pg.Client, piece: SqlPiece, options: RunOptions): Promise<StatementOutcome> => {
    if (this.activity) this.activity.querying = true;
    try {
      return await runConsoleStatement(client, piece, options);
    } finally {
      if (this.activity) this.activity.querying = false;
    }
  };

  runOptions(): RunOptions {
    let typeNames = this.typeNames.get(this.node);
    if (!typeNames) this.typeNames.set(this.node, (typeNames = new TypeNames()));
    return {
      node: this.node,
      rowLimit: this.options.rowLimit,
      typeNames,
      deadlineMs: this.options.statementTimeoutMs + NO_ANSWER_GRACE_MS,
    };
  }

  /** Prints an outcome as psql would; a connection lost on the way is reported, and tried again once. */
  async show(outcome: StatementOutcome | MetaOutcome, title?: string): Promise<void> {
    if ("error" in outcome && outcome.broken) return this.lose(outcome.error);
    this.write(outcomeText(outcome, { ...this.display, timing: this.timing }, title));
    this.flushNotifications();
  }

  /** The server went away under a statement: psql says so and tries once to connect again. */
  private async lose(error: ConsoleError): Promise<void> {
    const lost = this.connection?.lost;
    const fatal = error.severity === "FATAL" ? error.message : lost && "severity" in lost ? lost.message : undefined;
    if (error.code === BRIDGE_CODES.noAnswer || error.code === BRIDGE_CODES.tooLarge)
      this.write(`psql: error: ${error.message}\n`);
    await this.connection?.end();
    this.connection = null;
    const next = this.closed ? null : await this.open(this.node).catch(() => null);
    this.connection = next;
    this.write(lostText(fatal, next !== null));
  }

  resetBuffer(): void {
    this.buffer = "";
    this.unclosed = null;
  }

  /** Ctrl+C: cancels what runs, on the server too; at the prompt, empties the query buffer as psql does. */
  async cancel(): Promise<void> {
    const activity = this.activity;
    if (!activity) return this.resetBuffer();
    activity.stop();
    if (activity.querying && this.connection) {
      this.write("Cancel request sent\n");
      await this.connection.cancel();
    }
  }

  /** The socket went away: nothing may go on running on the server for nobody. */
  async close(): Promise<void> {
    const activity = this.activity;
    this.closed = true;
    activity?.stop();
    if (activity?.querying) await this.connection?.cancel();
    await this.connection?.end();
    this.connection = null;
  }
}
