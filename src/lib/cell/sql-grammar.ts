// The SQL grammar the cells are highlighted with: shiki's, which is written for SQL Server and MySQL, plus the
// PostgreSQL words the lessons write that it leaves as plain text (CREATE PUBLICATION, ALTER SUBSCRIPTION, ...).
// The build (lesson-highlight.ts) and the editor (highlight.ts) both use it, so a cell keeps its colours when a
// learner's edit re-highlights it. It holds no grammar of its own: it only adds a rule to the one it is given, so
// nothing more loads with the page.
import type { LanguageRegistration } from "shiki/core";

/**
 * Words PostgreSQL reads as keywords in the lessons' SQL. Identifiers that contain them (pg_publication,
 * pg_stat_subscription) are words of their own for `\b`, so they stay plain.
 */
export const POSTGRES_KEYWORDS = [
  "publication",
  "subscription",
  "extension",
  "column",
  "vacuum",
  "returning",
  "show",
  "replication",
  "strict",
  "full",
  "all",
  "tables",
  "stored",
  "refresh",
  "cascade",
] as const;

/**
 * The rule is appended: where another rule of the grammar matches at the same place it comes first and keeps its
 * colour, so the rule only colours words the grammar left plain.
 */
const KEYWORD_RULE = {
  match: `(?i)\\b(${POSTGRES_KEYWORDS.join("|")})\\b`,
  name: "keyword.other.postgres.sql",
};

/** Shiki's SQL grammar (the default export of @shikijs/langs/sql) with PostgreSQL's keywords added. */
export function postgresSql(sql: readonly LanguageRegistration[]): LanguageRegistration[] {
  return sql.map((grammar) =>
    grammar.name === "sql" ? { ...grammar, patterns: [...grammar.patterns, KEYWORD_RULE] } : grammar,
  );
}
