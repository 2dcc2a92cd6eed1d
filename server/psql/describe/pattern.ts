// psql's object-name patterns (processSQLNamePattern and patternToSQLRegex in PostgreSQL's
// src/fe_utils/string_utils.c, validateSQLNamePattern in describe.c): `users`, `public.users`, `user*`,
// `"MixedCase"`. The regular expressions go to the server as bind parameters rather than literals.
import { MetaError } from "./errors.ts";

/** Collects a query's bind parameters, so that clauses can be written with `$n` placeholders. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export interface PatternColumns {
  /** The column holding the schema name, when the pattern may be qualified (`public.users`). */
  schema?: string;
  name: string;
  /** What psql adds when no schema is given, e.g. `pg_catalog.pg_table_is_visible(c.oid)`. */
  visibility?: string;
  /** How many dotted parts psql accepts: 1 for publications, 3 (database.schema.name) for relations. */
  maxParts: number;
}

/**
 * The WHERE conditions psql adds for a pattern (none for a missing pattern without a visibility rule),
 * each ready to join with AND. `database` is asked for only when the pattern names one.
 */
export async function patternConditions(
  pattern: string | undefined,
  columns: PatternColumns,
  params: Params,
  database: () => Promise<string>,
): Promise<string[]> {
  if (pattern === undefined) return columns.visibility ? [columns.visibility] : [];
  const parts = splitPattern(pattern, columns.schema ? 3 : 1);
  if (parts.dots >= columns.maxParts)
    throw new MetaError(`improper qualified name (too many dotted names): ${pattern}`);
  if (columns.maxParts > 1 && parts.dots === columns.maxParts - 1 && parts.database !== (await database())) {
    throw new MetaError(`cross-database references are not implemented: ${pattern}`);
  }
  const conditions: string[] = [];
  if (parts.name !== "^(.*)$") {
    conditions.push(`${columns.name} OPERATOR(pg_catalog.~) ${params.add(parts.name)} COLLATE pg_catalog.default`);
  }
  if (parts.schema !== undefined) {
    if (parts.schema !== "^(.*)$" && columns.schema) {
      conditions.push(
        `${columns.schema} OPERATOR(pg_catalog.~) ${params.add(parts.schema)} COLLATE pg_catalog.default`,
      );
    }
  } else if (columns.visibility) {
    conditions.push(columns.visibility);
  }
  return conditions;
}

/** Joins conditions into a WHERE clause, or continues one the query already has. */
export function whereClause(conditions: string[], alreadyWhere = false): string {
  if (conditions.length === 0) return "";
  return (alreadyWhere ? "  AND " : "WHERE ") + conditions.join("\n  AND ") + "\n";
}

interface SplitPattern {
  name: string;
  schema?: string;
  /** The database part as written, unquoted and folded to lower case, for comparing with the current one. */
  database?: string;
  dots: number;
}

/**
 * Turns a shell-style pattern into anchored regular expressions, one per dotted part: unquoted letters fold
 * to lower case, `*` and `?` become `.*` and `.`, and inside double quotes everything is literal.
 */
function splitPattern(pattern: string, maxBuffers: number): SplitPattern {
  const parts: string[] = ["^("];
  let literalDatabase = "";
  let first = true;
  let inQuotes = false;
  let dots = 0;
  const chars = Array.from(pattern);
  const append = (text: string) => (parts[parts.length - 1] += text);
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] ?? "";
    if (char === '"') {
      if (inQuotes && chars[i + 1] === '"') {
        append('"');
        if (first) literalDatabase += '"';
        i++;
      } else {
        inQuotes = !inQuotes;
      }
    } else if (!inQuotes && /[A-Z]/.test(char)) {
      append(char.toLowerCase());
      if (first) literalDatabase += char.toLowerCase();
    } else if (!inQuotes && char === "*") {
      append(".*");
      if (first) literalDatabase += "*";
    } else if (!inQuotes && char === "?") {
      append(".");
      if (first) literalDatabase += "?";
    } else if (!inQuotes && char === ".") {
      first = false;
      dots++;
      if (parts.length < maxBuffers) {
        append(")$");
        parts.push("^(");
      } else {
        append(char);
      }
    } else if (char === "$") {
      // A dollar is legal in identifiers, and the pattern is anchored anyway, so it is always literal.
      append("\\$");
      if (first) literalDatabase += "$";
    } else {
      if (inQuotes && "|*+?()[]{}.^\\".includes(char)) append("\\");
      else if (char === "[" && chars[i + 1] === "]") append("\\");
      append(char);
      if (first) literalDatabase += char;
    }
  }
  append(")$");
  const name = parts.pop() ?? "^()$";
  const schema = parts.pop();
  const database = parts.length > 0 ? literalDatabase : undefined;
  return { name, dots, ...(schema !== undefined ? { schema } : {}), ...(database !== undefined ? { database } : {}) };
}
