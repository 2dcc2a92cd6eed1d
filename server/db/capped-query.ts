// A statement that returns at most `limit` rows, in one round trip: Parse, Bind, Describe, Execute with a row
// limit and Sync go out together, where pg-cursor waits for an answer between them (three round trips
// for a SELECT 1). The server stops producing rows at the limit, so a result of millions costs nothing.
import { EventEmitter } from "node:events";
import type pg from "pg";

interface Connection {
  parse(query: { text: string }): void;
  bind(config: { portal: string; values: unknown[] }): void;
  describe(message: { type: "P"; name: string }): void;
  execute(config: { portal: string; rows: number }): void;
  sync(): void;
  sendCopyFail(message: string): void;
}

export interface CappedResult {
  fields: { name: string; dataTypeID: number; dataTypeModifier: number }[];
  /** Values as text, as PostgreSQL printed them; null for NULL. */
  rows: (string | null)[][];
  /** True when the statement had rows beyond the limit. */
  truncated: boolean;
  /** The whole command tag (`INSERT 0 1`); empty when the rows were cut off before it. */
  tag: string;
  /** A RowDescription came: the statement returns rows, even zero of them. */
  tuples: boolean;
  /** COPY TO STDOUT's data. */
  copied: string;
}

/** COPY TO STDOUT's data is kept up to this much; the rest is left out. */
const MAX_COPY_TEXT = 1024 * 1024;

/** A pg "submittable": pg's Client hands it the connection and the server's messages for its statement. */
export class CappedQuery extends EventEmitter {
  private readonly result: CappedResult = { fields: [], rows: [], truncated: false, tag: "", tuples: false, copied: "" };
  private error: Error | undefined;
  private settle: ((outcome: { result?: CappedResult; error?: Error }) => void) | undefined;
  readonly done: Promise<CappedResult>;

  constructor(
    readonly text: string,
    private readonly limit: number,
    private readonly copyInRefusal: string,
  ) {
    super();
    this.done = new Promise((resolve, reject) => {
      this.settle = ({ result, error }) => (error ? reject(error) : resolve(result!));
    });
  }

  submit(connection: Connection): void {
    connection.parse({ text: this.text });
    connection.bind({ portal: "", values: [] });
    connection.describe({ type: "P", name: "" });
    // One row more than shown, so that "there were more" is known without counting them.
    connection.execute({ portal: "", rows: this.limit + 1 });
    // No Close: a COPY FROM STDIN would take it for bad COPY data. The unnamed portal goes at the end of the
    // transaction, or at the next statement's Bind.
    connection.sync();
  }

  handleRowDescription(message: { fields: CappedResult["fields"] }): void {
    this.result.tuples = true;
    this.result.fields = message.fields;
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    if (this.result.rows.length < this.limit) this.result.rows.push(message.fields);
    else this.result.truncated = true;
  }

  handlePortalSuspended(): void {
    this.result.truncated = true;
  }

  handleCommandComplete(message: { text: string }): void {
    this.result.tag = message.text;
  }

  handleEmptyQuery(): void {}

  handleCopyInResponse(connection: Connection): void {
    // The server ignores the Sync already sent while it waits for COPY data: after the refusal, send another.
    connection.sendCopyFail(this.copyInRefusal);
    connection.sync();
  }

  handleCopyData(message: { chunk: Buffer }): void {
    if (this.result.copied.length < MAX_COPY_TEXT) this.result.copied += message.chunk.toString("utf8");
  }

  /** pg's Client calls this instead of handleReadyForQuery when the statement failed. */
  handleError(error: Error): void {
    this.error = error;
    this.settle?.({ error });
  }

  handleReadyForQuery(): void {
    this.settle?.(this.error ? { error: this.error } : { result: this.result });
  }
}

export function runCapped(client: pg.ClientBase, text: string, limit: number, copyInRefusal: string): Promise<CappedResult> {
  const query = new CappedQuery(text, limit, copyInRefusal);
  client.query(query as unknown as pg.Submittable);
  return query.done;
}
