// One SQL statement on one connection, for a cell and for a console session alike: at most the row limit
// and the size limit come back (server/db/limits.ts), under a watchdog (a server that stops answering can't
// apply statement_timeout), with every value as PostgreSQL printed it. When the bridge stops a statement
// itself (no answer in time, a result too large) it stops it on the server too: a cancel first, and if that
// isn't enough, the connection is dropped and its backend terminated, so nothing goes on running for nobody.
import pg from "pg";
import { BRIDGE_CODES, type Field } from "../../shared/api-types.ts";
import { sendCancel, terminateBackend } from "./cancel.ts";
import { runCapped, type CappedResult } from "./capped-query.ts";
import { MAX_MESSAGE_BYTES, MAX_RESULT_CHARS, megabytes } from "./limits.ts";
import { backendKey, dropConnection, guardOf } from "./pg-internals.ts";
import type { TypeNames } from "./type-names.ts";

/** SQLSTATEs with which a server ends the connection: the node is going down, not the statement failing. */
const CONNECTION_LOST = new Set(["57P01", "57P02", "57P03"]);
const QUERY_CANCELED = "57014";

/** How long a statement the watchdog cancelled may take to end before its connection is dropped. */
const CANCEL_GRACE_MS = 2000;

export interface ExecuteOptions {
  /** The node's name, for messages. */
  node: string;
  rowLimit: number;
  /** How long the statement may go without an answer before the bridge stops it. */
  deadlineMs: number;
  typeNames: TypeNames;
  /** Why COPY FROM STDIN is refused, in the words of whoever runs the statement. */
  copyInRefusal: string;
}

interface Executed {
  rows: (string | null)[][];
  truncated: boolean;
  /** Set when the rows were cut by size, not by count. */
  capped?: CappedResult["capped"];
  fields: Field[];
  rowCount: number | null;
  /** The whole command tag (`INSERT 0 1`); empty when rows were cut off before it came. */
  tag: string;
  tuples: boolean;
  /** COPY TO STDOUT's data, if any. */
  copied: string;
  durationMs: number;
}

/** Why the bridge stopped a statement: LAB03 (no answer in time) or LAB05 (a result over the size limit). */
interface Stopped {
  code: string;
  message: string;
  detail: string;
  hint?: string;
}

export type Execution =
  | { ok: Executed }
  /** The statement failed; the connection is fine. */
  | { failed: pg.DatabaseError }
  /** The bridge stopped the statement; the connection is gone if `lost` is set. */
  | { stopped: Stopped; lost?: Error }
  /** The connection is gone: the node went down. */
  | { lost: Error };

export async function execute(client: pg.Client, text: string, options: ExecuteOptions): Promise<Execution> {
  const started = performance.now();
  const key = backendKey(client);
  let capCancel: Promise<boolean> | undefined;
  const query = runCapped(client, text, {
    limit: options.rowLimit,
    maxChars: MAX_RESULT_CHARS,
    copyInRefusal: options.copyInRefusal,
    onCap: () => (capCancel = key ? sendCancel(key) : Promise.resolve(false)),
  });
  const guard = guardOf(client);
  if (guard) guard.onSkippedRow = (bytes) => query.skippedRow(bytes);
  let silent = false;
  let stopping: Promise<"cancelled" | "dropped"> | undefined;
  const watchdog = setTimeout(() => {
    silent = true;
    stopping = stopOnServer(client, query.done, key);
  }, options.deadlineMs);
  try {
    const result = await query.done;
    const durationMs = performance.now() - started;
    if (result.capped?.skippedRowBytes !== undefined) return { stopped: rowTooLarge(result.capped.skippedRowBytes) };
    const types = await options.typeNames.names(client, result.fields);
    const counted = /(\d+)$/.exec(result.tag)?.[1];
    return {
      ok: {
        rows: result.rows,
        truncated: result.truncated,
        ...(result.capped ? { capped: result.capped } : {}),
        fields: result.fields.map((field, i) => ({ name: field.name, type: types[i] ?? "" })),
        rowCount: result.truncated ? null : counted !== undefined ? Number(counted) : result.rows.length,
        tag: result.truncated ? "" : result.tag,
        tuples: result.tuples,
        copied: result.copied,
        durationMs: Math.round(durationMs * 1000) / 1000,
      },
    };
  } catch (error) {
    return await failure(client, error, {
      silent,
      stopping,
      capped: query.capped,
      key,
      options,
      guardError: guard?.tooLarge,
    });
  } finally {
    clearTimeout(watchdog);
    if (guard) guard.onSkippedRow = undefined;
    // The cancel must have reached the server before the next statement goes out, or it could stop that one.
    await capCancel;
  }
}

interface FailureContext {
  silent: boolean;
  stopping: Promise<"cancelled" | "dropped"> | undefined;
  capped: CappedResult["capped"];
  key: ReturnType<typeof backendKey>;
  options: ExecuteOptions;
  guardError: Error | undefined;
}

async function failure(client: pg.Client, error: unknown, context: FailureContext): Promise<Execution> {
  const { capped } = context;
  if (context.silent) {
    const how = await context.stopping;
    const seconds = Math.round(context.options.deadlineMs / 1000);
    const stopped: Stopped =
      how === "cancelled"
        ? {
            code: BRIDGE_CODES.noAnswer,
            message:
              `node "${context.options.node}" gave no reply within ${seconds} s, so the bridge cancelled the ` +
              `statement`,
            detail: "It ran past the lab's statement_timeout, which the session had lifted; the server has stopped it.",
          }
        : {
            code: BRIDGE_CODES.noAnswer,
            message: `node "${context.options.node}" stopped answering: no reply within ${seconds} s`,
            detail:
              "The bridge closed the connection and ended its backend. If the node is overloaded or paused, it may " +
              "come back by itself.",
          };
    return how === "cancelled" ? { stopped } : { stopped, lost: error as Error };
  }
  if (context.guardError) {
    if (context.key) await terminateBackend(client, context.key.processID);
    return { stopped: messageTooLarge(context.guardError), lost: error as Error };
  }
  if (error instanceof pg.DatabaseError && error.severity !== "FATAL" && !CONNECTION_LOST.has(error.code ?? "")) {
    if (capped && error.code === QUERY_CANCELED) {
      return { stopped: capped.skippedRowBytes !== undefined ? rowTooLarge(capped.skippedRowBytes) : resultTooLarge() };
    }
    return { failed: error };
  }
  return { lost: error as Error };
}

/**
 * The watchdog's way out: cancel the statement, and if it still hasn't ended a moment later (the node is
 * paused, or ignores the cancel), drop the connection and terminate the backend from a connection of its own.
 */
async function stopOnServer(
  client: pg.Client,
  done: Promise<unknown>,
  key: ReturnType<typeof backendKey>,
): Promise<"cancelled" | "dropped"> {
  if (key) await sendCancel(key);
  const ended = await Promise.race([
    done.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), CANCEL_GRACE_MS)),
  ]);
  if (ended) return "cancelled";
  dropConnection(client);
  if (key) await terminateBackend(client, key.processID);
  return "dropped";
}

const SELECT_LESS = "Select fewer rows or a part of each value: LIMIT, left(column, 1000), length(column).";

function rowTooLarge(bytes: number): Stopped {
  return {
    code: BRIDGE_CODES.tooLarge,
    message:
      `a row of the result is ${megabytes(bytes)}, larger than the bridge's limit of ` +
      `${megabytes(MAX_RESULT_CHARS)} per result`,
    detail: "The bridge let it pass without reading it, and cancelled the rest of the statement on the server.",
    hint: SELECT_LESS,
  };
}

function resultTooLarge(): Stopped {
  return {
    code: BRIDGE_CODES.tooLarge,
    message:
      `the result is larger than the bridge's limit of ${megabytes(MAX_RESULT_CHARS)}, so the bridge ` +
      `cancelled the statement`,
    detail: "The statement was cancelled on the server, as Cancel does: it had no effect.",
    hint: SELECT_LESS,
  };
}

function messageTooLarge(error: Error): Stopped {
  const bytes = "bytes" in error ? Number(error.bytes) : MAX_MESSAGE_BYTES;
  return {
    code: BRIDGE_CODES.tooLarge,
    message:
      `the server's answer holds a message of ${megabytes(bytes)}, larger than the bridge's limit of ` +
      `${megabytes(MAX_RESULT_CHARS)}`,
    detail:
      "The bridge closed the connection rather than read it, and ended its backend. An error that quotes a " +
      "huge value does this.",
    hint: SELECT_LESS,
  };
}
