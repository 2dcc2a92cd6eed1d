// The request bodies the bridge accepts, as zod schemas: one schema is both the check the bridge makes and the
// type the page and the tests send (z.infer). The bridge imports this module; the page imports only its types
// (`import type`, through api-types.ts), so that zod never reaches a lesson page's bundle.
import { z } from "zod";
import { CELL_NODES, NODE_NAMES } from "./nodes.ts";

/** The most SQL one cell may send; a lesson's longest cell is a few kB. */
const MAX_SQL_LENGTH = 100_000;
/** Ids are chosen by the page (a UUID); this bounds what a careless caller can make the bridge keep. */
const MAX_QUERY_ID_LENGTH = 100;
/** The sizes a load run may have: enough for the walkthrough's 10,000 and far from what would drown the lab. */
const LOAD_LIMITS = { requests: { min: 1, max: 100_000 }, concurrency: { min: 1, max: 500 } };

const nodeName = z.enum(NODE_NAMES);

/** SQL that is not only white space, within MAX_SQL_LENGTH. */
const sqlText = z
  .string()
  .max(MAX_SQL_LENGTH, { error: `expected at most ${MAX_SQL_LENGTH} characters of SQL` })
  .refine((sql) => sql.trim() !== "", { error: "expected SQL to run, got only white space" });

/** POST /api/query: run a cell's SQL on one node. */
export const queryRequestSchema = z.strictObject({
  node: z.enum(CELL_NODES),
  sql: sqlText,
  /** Chosen by the caller so that `POST /api/cancel` can name the query while it runs. */
  id: z.string().max(MAX_QUERY_ID_LENGTH).optional(),
});
export type QueryRequest = z.infer<typeof queryRequestSchema>;

/** POST /api/cancel: the id a query was started with. */
export const cancelRequestSchema = z.strictObject({ id: z.string().max(MAX_QUERY_ID_LENGTH) });

function wholeNumber({ min, max }: { min: number; max: number }) {
  const error = `expected a whole number from ${min} to ${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

/** POST /api/load: how many POST /async-users to fire, and how many at a time. */
export const loadRequestSchema = z.strictObject({
  requests: wholeNumber(LOAD_LIMITS.requests),
  concurrency: wholeNumber(LOAD_LIMITS.concurrency),
});
export type LoadRequest = z.infer<typeof loadRequestSchema>;

const PG_MAJOR_ERROR = "expected a PostgreSQL major the lab offers: 14, 15, 16, 17 or 18";
const PG_MAJOR = { error: PG_MAJOR_ERROR };

/** POST /api/lab/versions: the nodes whose PostgreSQL major changes, and to which; the others keep theirs. */
export const versionSwitchRequestSchema = z.strictObject({
  versions: z
    .partialRecord(nodeName, z.int({ error: PG_MAJOR_ERROR }).min(14, PG_MAJOR).max(18, PG_MAJOR))
    .refine((versions) => Object.keys(versions).length > 0, { error: "expected at least one node=major" }),
});
export type VersionSwitchRequest = z.infer<typeof versionSwitchRequestSchema>;

/** POST /api/lab/lesson-start: the lesson whose start the lab is brought to. */
export const lessonStartRequestSchema = z.strictObject({
  lesson: z.int({ error: "expected the number of a lesson (1 to 9)" }).min(1, { error: "expected 1 or more" }),
});

/**
 * Text PostgreSQL stores as sent: no NUL character (text can't hold one) and no lone UTF-16 surrogate (JSON
 * allows "\ud800"; encoded to UTF-8 it would silently become U+FFFD).
 */
function storableText(max: number) {
  return z
    .string()
    .max(max, { error: `expected at most ${max} characters` })
    .refine((text) => !text.includes("\u0000"), {
      error: "expected text without a NUL character (\\u0000), which PostgreSQL text can't hold",
      abort: true,
    })
    .refine((text) => text.isWellFormed(), {
      error: "expected valid Unicode, got a lone surrogate (\\ud800-\\udfff without its pair)",
    });
}

/** POST /async-users: the walkthrough's user. */
export const newUserSchema = z.strictObject({
  name: storableText(200).refine((name) => name.trim() !== "", { error: "expected a name, got only white space" }),
  email: storableText(320).regex(/^[^\s@]+@[^\s@]+$/, { error: "expected an email address" }),
});
export type NewUser = z.infer<typeof newUserSchema>;
