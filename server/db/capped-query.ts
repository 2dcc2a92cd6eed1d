// A statement that returns at most `limit` rows, in one round trip: Parse, Bind, Describe, Execute with a row
// limit and Sync go out together, where pg-cursor waits for an answer between them (three round trips
// for a SELECT 1). The server stops producing rows at the limit, so a result of millions costs nothing.
// Rows are capped by size too: past `maxChars` of values the rest is dropped as it arrives and `onCap` is
// called once, so that the statement can be cancelled on the server (a row too large to be let through at
// all is skipped by the socket, see wire-guard.ts, and reported here the same way).
import { EventEmitter } from "node:events";
import type pg from "pg";
import { protocolOf } from "./pg-internals.ts";

export interface CappedResult {
  fields: { name: string; dataTypeID: number; dataTypeModifier: number }[];
  /** Values as text, as PostgreSQL printed them; null for NULL. */
  rows: (string | null)[][];
  /** True when the statement had rows beyond the limit, or more than the size limit of values. */
  truncated: boolean;
  /** Set when values passed the size limit: how many characters had come, and the largest row skipped whole. */
  capped?: { chars: number; skippedRowBytes?: number };
  /** The whole command tag (`INSERT 0 1`); empty when the rows were cut off before it. */
  tag: string;
  /** A RowDescription came: the statement returns rows, even zero of them. */
  tuples: boolean;
  /** COPY TO STDOUT's data. */
  copied: string;
}

/** COPY TO STDOUT's data is kept up to this much; the rest is left out. */
const MAX_COPY_TEXT = 1024 * 1024;

export interface CapOptions {
  /** Rows kept. */
  limit: number;
  /** Characters of values kept, over all rows. */
  maxChars: number;
  copyInRefusal: string;
  /** Called once, when the values pass `maxChars`. */
  onCap?: () => void;
}

/**
 * A pg "submittable", as pg-cursor is: pg's Client hands it the connection and the server's messages for its
 * statement, calling the handle* methods below by the names lib/client.js gives them.
 */
export class CappedQuery extends EventEmitter implements pg.Submittable {
  private readonly result: CappedResult = {
    fields: [],
    rows: [],
    truncated: false,
    tag: "",
    tuples: false,
    copied: "",
  };
  private chars = 0;
  private error: Error | undefined;
  private settle: ((outcome: { result?: CappedResult; error?: Error }) => void) | undefined;
  readonly done: Promise<CappedResult>;
  private readonly limit: number;

  constructor(
    readonly text: string,
    private readonly options: CapOptions,
  ) {
    super();
    this.limit = options.limit;
    this.done = new Promise((resolve, reject) => {
      this.settle = ({ result, error }) => (error ? reject(error) : resolve(result!));
    });
  }

  submit(connection: pg.Connection): void {
    const wire = protocolOf(connection);
    // pg writes each message as it is made: five writes, five system calls, and as many wake-ups of the server's
    // backend. Corked, they leave as one write; with a class's cells on two cores that is CPU that counts.
    connection.stream.cork();
    try {
      wire.parse({ text: this.text });
      wire.bind({ portal: "", values: [] });
      wire.describe({ type: "P", name: "" });
      // One row more than shown, so that "there were more" is known without counting them.
      wire.execute({ portal: "", rows: this.limit + 1 });
      // No Close: a COPY FROM STDIN would take it for bad COPY data. The unnamed portal goes at the end of the
      // transaction, or at the next statement's Bind.
      wire.sync();
    } finally {
      connection.stream.uncork();
    }
  }

  handleRowDescription(message: { fields: CappedResult["fields"] }): void {
    this.result.tuples = true;
    this.result.fields = message.fields;
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    if (this.result.capped) return;
    let chars = 0;
    for (const field of message.fields) chars += field?.length ?? 0;
    this.chars += chars;
    if (this.chars > this.options.maxChars) return this.cap();
    if (this.result.rows.length < this.limit) this.result.rows.push(message.fields);
    else this.result.truncated = true;
  }

  get capped(): CappedResult["capped"] {
    return this.result.capped;
  }

  /** The socket skipped a row too large to read (wire-guard.ts). */
  skippedRow(bytes: number): void {
    this.cap(bytes);
  }

  private cap(skippedRowBytes?: number): void {
    this.result.truncated = true;
    if (this.result.capped) {
      if (skippedRowBytes !== undefined)
        this.result.capped.skippedRowBytes = Math.max(skippedRowBytes, this.result.capped.skippedRowBytes ?? 0);
      return;
    }
    this.result.capped = { chars: this.chars, ...(skippedRowBytes !== undefined ? { skippedRowBytes } : {}) };
    this.options.onCap?.();
  }

  handlePortalSuspended(): void {
    this.result.truncated = true;
  }

  handleCommandComplete(message: { text: string }): void {
    this.result.tag = message.text;
  }

  handleEmptyQuery(): void {}

  handleCopyInResponse(connection: pg.Connection): void {
    // The server ignores the Sync already sent while it waits for COPY data: after the refusal, send another.
    const wire = protocolOf(connection);
    wire.sendCopyFail(this.options.copyInRefusal);
    wire.sync();
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

export function runCapped(client: pg.ClientBase, text: string, options: CapOptions): CappedQuery {
  const query = new CappedQuery(text, options);
  client.query(query);
  return query;
}
