// How much of a result the bridge holds. Rows are capped by count (LAB_ROW_LIMIT) and by size: one statement's
// values stop being kept past MAX_RESULT_CHARS, and no protocol message larger than MAX_MESSAGE_BYTES is ever
// read into memory (wire-guard.ts). Together they bound what one running statement can cost the bridge,
// whatever it returns; the README's "Limits" section gives the resulting bound.

const MB = 1024 * 1024;

/** Characters of values one statement keeps, over all its rows (8 Mi: a few megabytes of JSON or text). */
export const MAX_RESULT_CHARS = 8 * MB;

/** The largest message read from a server: a row as large as a whole result, and its framing. */
export const MAX_MESSAGE_BYTES = MAX_RESULT_CHARS + 64 * 1024;

/**
 * How long past statement_timeout the bridge waits for a server that has stopped answering, before it drops
 * the connection: cells and console sessions alike.
 */
export const NO_ANSWER_GRACE_MS = 5000;

/** "8 MB", "572 MB": sizes as the bridge's messages say them. */
export function megabytes(bytes: number): string {
  return `${Math.max(1, Math.round(bytes / MB))} MB`;
}
