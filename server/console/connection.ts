// A console session's own connection to one node: not from the cells' pools, because a psql session keeps
// its transaction and its settings from one line to the next.
import pg from "pg";
import type { NodeName } from "../../shared/api-types.ts";
import type { TransactionState } from "../../shared/console-protocol.ts";
import { sendCancel } from "../db/cancel.ts";
import { MAX_MESSAGE_BYTES } from "../db/limits.ts";
import { backendKey, isReadyForQuery, wireOf } from "../db/pg-internals.ts";
import type { ServerNotice } from "../db/run-cell.ts";
import { guardedStream } from "../db/wire-guard.ts";
import { clientConfig, type Lab } from "../lab/lab.ts";

/** Shown in pg_stat_activity, so that a learner (and a test) can tell console sessions apart. */
const CONSOLE_APPLICATION = "replication-lab console";

/** ReadyForQuery's status byte: I idle, T in a transaction block, E in a failed one. */
const TRANSACTION: Record<"I" | "T" | "E", TransactionState> = { I: "idle", T: "block", E: "failed" };

/** The node can't be reached; the message says why. */
export class NodeDown extends Error {
  constructor(
    readonly node: NodeName,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(reason, options);
    this.name = "NodeDown";
  }
}

export interface ConnectionOptions {
  statementTimeoutMs: number;
  /** Called with each NOTICE or WARNING as it arrives, as psql prints them. */
  onNotice: (notice: ServerNotice) => void;
  /** Called with each NOTIFY on a channel the session LISTENs to. */
  onNotification: (notification: pg.Notification) => void;
}

export class NodeConnection {
  /** psql's %# follows the server's is_superuser, which the server reports again after SET ROLE. */
  superuser = false;
  database = "";
  user = "";
  version = "";
  /** Why the connection went away, once it has: the server's FATAL message, or the socket's error. */
  lost: Error | undefined;

  private constructor(
    readonly node: NodeName,
    readonly client: pg.Client,
  ) {}

  static async open(lab: Lab, node: NodeName, options: ConnectionOptions): Promise<NodeConnection> {
    const status = lab.node(node);
    if (status.state !== "up") {
      throw new NodeDown(
        node,
        status.state === "starting" ? `it is ${status.detail ?? "starting"}` : (status.error ?? "it is stopped"),
      );
    }
    const client = new pg.Client({
      ...clientConfig(lab.endpoint(node)),
      statement_timeout: options.statementTimeoutMs,
      application_name: CONSOLE_APPLICATION,
      connectionTimeoutMillis: 5000,
      stream: guardedStream(MAX_MESSAGE_BYTES),
    });
    const connection = new NodeConnection(node, client);
    wireOf(client).on("parameterStatus", (message: { parameterName: string; parameterValue: string }) => {
      if (message.parameterName === "is_superuser") connection.superuser = message.parameterValue === "on";
      if (message.parameterName === "server_version") connection.version = message.parameterValue;
    });
    client.on("notice", options.onNotice);
    client.on("notification", options.onNotification);
    // Without a listener, a server that stops under an idle session would crash the bridge.
    client.on("error", (error) => (connection.lost ??= error));
    client.on("end", () => (connection.lost ??= new Error("the connection ended")));
    try {
      await client.connect();
      const { rows } = await client.query<[string]>({ text: "SELECT pg_catalog.current_database()", rowMode: "array" });
      connection.database = rows[0]?.[0] ?? "";
      connection.user = client.user ?? "";
    } catch (error) {
      await client.end().catch(() => {});
      throw new NodeDown(node, error instanceof Error ? error.message : String(error), { cause: error });
    }
    return connection;
  }

  /**
   * Waits for the server's ReadyForQuery after a statement failed: pg reports the error as it arrives, and
   * the transaction state the prompt shows (`=!#`) comes with the ReadyForQuery that follows.
   */
  async settle(): Promise<void> {
    if (isReadyForQuery(this.client) || this.lost) return;
    const wire = wireOf(this.client);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 2000);
      wire.once("readyForQuery", done);
      function done() {
        clearTimeout(timer);
        wire.off("readyForQuery", done);
        resolve();
      }
    });
  }

  /** Where the session is, from the status of the last ReadyForQuery (the prompt's `=*#` and `=!#`). */
  get transaction(): TransactionState {
    return TRANSACTION[this.client.getTransactionStatus() ?? "I"];
  }

  get pid(): number | undefined {
    return backendKey(this.client)?.processID;
  }

  /** psql's Ctrl+C: asks the server to cancel what this session runs, as psql does, with a CancelRequest. */
  async cancel(): Promise<void> {
    const key = backendKey(this.client);
    if (key === undefined || this.lost) return;
    // A node that can't be reached can't be asked; the statement timeout and the bridge's watchdog still apply.
    await sendCancel(key);
  }

  /** Ends the connection; the server rolls back a transaction left open, as it does when psql quits. */
  async end(): Promise<void> {
    this.lost ??= new Error("the session closed it");
    await this.client.end().catch(() => {});
  }
}
