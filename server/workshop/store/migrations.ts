// The hub database's schema, as numbered migrations applied in order, each once: a hub of a later version
// started on an older workshop folder brings its schema forward instead of failing on a missing column.
import type pg from "pg";

/** Each entry is one version; never edit one that has shipped, add the next instead. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE attendees (
    id text PRIMARY KEY,
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 60),
    lab_id text NOT NULL UNIQUE,
    created timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now()
  );
  -- A session is kept as the SHA-256 of its cookie's token: a copy of the database lets nobody in.
  CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    role text NOT NULL CHECK (role IN ('attendee', 'instructor')),
    attendee_id text REFERENCES attendees (id) ON DELETE CASCADE,
    created timestamptz NOT NULL DEFAULT now(),
    expires timestamptz NOT NULL,
    CHECK ((role = 'attendee') = (attendee_id IS NOT NULL))
  );
  CREATE INDEX sessions_attendee ON sessions (attendee_id);
  CREATE TABLE join_codes (
    code text PRIMARY KEY,
    created timestamptz NOT NULL DEFAULT now(),
    expires timestamptz NOT NULL,
    revoked timestamptz
  );
  CREATE TABLE passphrase_attempts (
    address text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    succeeded boolean NOT NULL
  );
  CREATE INDEX passphrase_attempts_recent ON passphrase_attempts (address, at);
  `,
  // Issue 14: what each attendee's page reported as they worked (shared/progress-events.ts), stamped with the
  // hub's clock. The serial id orders events the clock stamps alike; the SQL is kept for the attendee's own page
  // and the instructor's read-only view only.
  `
  CREATE TABLE progress_events (
    id bigserial PRIMARY KEY,
    attendee_id text NOT NULL REFERENCES attendees (id) ON DELETE CASCADE,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    kind text NOT NULL CHECK (kind IN ('ran', 'expectation', 'state-check', 'hand')),
    lesson text,
    step integer,
    check_subject text,
    met boolean,
    sqlstate text,
    message text,
    sql text
  );
  CREATE INDEX progress_events_attendee ON progress_events (attendee_id, at, id);
  CREATE INDEX progress_events_at ON progress_events (at, id);
  `,
  // Issue 14: a cell's last output (its command tag and first rows, or its error), for the instructor's
  // read-only view of an attendee.
  `
  ALTER TABLE progress_events ADD COLUMN output text;
  `,
];

/** Brings the schema to the latest version; concurrent hubs on one folder are serialised by an advisory lock. */
export async function migrate(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(1313)");
    await client.query("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)");
    const { rows } = await client.query<{ version: number }>("SELECT max(version) AS version FROM schema_version");
    const current = rows[0]?.version ?? 0;
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      await client.query(MIGRATIONS[version - 1]!);
      await client.query("INSERT INTO schema_version (version) VALUES ($1)", [version]);
    }
    await client.query("COMMIT");
    return MIGRATIONS.length;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
