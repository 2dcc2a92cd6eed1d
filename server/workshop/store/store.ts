// The hub's queries: who joined with which lab, their sessions, the join codes, the passphrase attempts the
// instructor's login is rate-limited by, and the attendees' progress events (progress-store.ts). Tokens arrive
// here already hashed (server/workshop/tokens.ts).
import type pg from "pg";
import type { ProgressEvent, StoredProgressEvent } from "../../../shared/progress-events.ts";
import { HubDatabase } from "./database.ts";
import { migrate } from "./migrations.ts";
import { addProgressEvent, allProgress, attendeeProgress, latestProgress } from "./progress-store.ts";

export interface Attendee {
  id: string;
  displayName: string;
  labId: string;
  created: Date;
  lastSeen: Date;
}

export type SessionRole = "attendee" | "instructor";

export interface Session {
  role: SessionRole;
  attendee: Attendee | null;
  expires: Date;
}

export interface JoinCode {
  code: string;
  created: Date;
  expires: Date;
  revoked: Date | null;
}

const ATTENDEE_COLUMNS =
  `a.id, a.display_name AS "displayName", a.lab_id AS "labId", a.created, ` + `a.last_seen AS "lastSeen"`;

export class HubStore {
  private constructor(
    private readonly database: HubDatabase,
    readonly schemaVersion: number,
  ) {}

  /** Opens (or creates) the workshop's database in <workshopDir>/hub and brings its schema up to date. */
  static async open(workshopDir: string, note?: (text: string) => void): Promise<HubStore> {
    const database = await HubDatabase.open(workshopDir, note);
    try {
      return new HubStore(database, await migrate(database.pool));
    } catch (error) {
      await database.close();
      throw error;
    }
  }

  private get pool(): pg.Pool {
    return this.database.pool;
  }

  /** The loopback port of the hub's own cluster (tests check that no attendee's lab can log in to it). */
  get databasePort(): number {
    return this.database.port;
  }

  close(): Promise<void> {
    return this.database.close();
  }

  async addAttendee(attendee: { id: string; displayName: string; labId: string }): Promise<Attendee> {
    const { rows } = await this.pool.query<Attendee>(
      `INSERT INTO attendees AS a (id, display_name, lab_id) VALUES ($1, $2, $3) RETURNING ${ATTENDEE_COLUMNS}`,
      [attendee.id, attendee.displayName, attendee.labId],
    );
    return rows[0]!;
  }

  async attendee(id: string): Promise<Attendee | null> {
    const { rows } = await this.pool.query<Attendee>(`SELECT ${ATTENDEE_COLUMNS} FROM attendees a WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async attendees(): Promise<Attendee[]> {
    const { rows } = await this.pool.query<Attendee>(`SELECT ${ATTENDEE_COLUMNS} FROM attendees a ORDER BY created`);
    return rows;
  }

  /** The lab ids handed out so far, for the provider after a hub restart. */
  async assignedLabs(): Promise<string[]> {
    const { rows } = await this.pool.query<{ lab_id: string }>("SELECT lab_id FROM attendees ORDER BY created");
    return rows.map((row) => row.lab_id);
  }

  async touch(attendeeId: string): Promise<void> {
    await this.pool.query("UPDATE attendees SET last_seen = now() WHERE id = $1", [attendeeId]);
  }

  async addSession(tokenHash: Buffer, role: SessionRole, attendeeId: string | null, expires: Date): Promise<void> {
    await this.pool.query("INSERT INTO sessions (token_hash, role, attendee_id, expires) VALUES ($1, $2, $3, $4)", [
      tokenHash,
      role,
      attendeeId,
      expires,
    ]);
  }

  /** The unexpired session with this token hash, and its attendee when it is one's. */
  async session(tokenHash: Buffer): Promise<Session | null> {
    const { rows } = await this.pool.query<{ role: SessionRole; expires: Date } & Partial<Attendee>>(
      `SELECT s.role, s.expires, ${ATTENDEE_COLUMNS}
         FROM sessions s LEFT JOIN attendees a ON a.id = s.attendee_id
        WHERE s.token_hash = $1 AND s.expires > now()`,
      [tokenHash],
    );
    const row = rows[0];
    if (!row) return null;
    const attendee = row.id
      ? {
          id: row.id,
          displayName: row.displayName!,
          labId: row.labId!,
          created: row.created!,
          lastSeen: row.lastSeen!,
        }
      : null;
    return { role: row.role, attendee, expires: row.expires };
  }

  async endSession(tokenHash: Buffer): Promise<void> {
    await this.pool.query("DELETE FROM sessions WHERE token_hash = $1", [tokenHash]);
  }

  async addJoinCode(code: string, expires: Date): Promise<JoinCode> {
    const { rows } = await this.pool.query<JoinCode>(
      "INSERT INTO join_codes (code, expires) VALUES ($1, $2) RETURNING code, created, expires, revoked",
      [code, expires],
    );
    return rows[0]!;
  }

  async joinCode(code: string): Promise<JoinCode | null> {
    const { rows } = await this.pool.query<JoinCode>(
      "SELECT code, created, expires, revoked FROM join_codes WHERE code = $1",
      [code],
    );
    return rows[0] ?? null;
  }

  async joinCodes(): Promise<JoinCode[]> {
    const { rows } = await this.pool.query<JoinCode>(
      "SELECT code, created, expires, revoked FROM join_codes ORDER BY created",
    );
    return rows;
  }

  /** Revokes a code; false when there is no such code. */
  async revokeJoinCode(code: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      "UPDATE join_codes SET revoked = coalesce(revoked, now()) WHERE code = $1",
      [code],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Sets when a code expires: the instructor's page extends codes, and tests let one run out. */
  async setJoinCodeExpiry(code: string, expires: Date): Promise<void> {
    await this.pool.query("UPDATE join_codes SET expires = $2 WHERE code = $1", [code, expires]);
  }

  /** Keeps one event an attendee's page reported, stamped with the hub's clock. */
  addProgress(attendeeId: string, event: ProgressEvent): Promise<StoredProgressEvent> {
    return addProgressEvent(this.pool, attendeeId, event);
  }

  /** An attendee's events, oldest first (their own page; the instructor's view of them). */
  progressOf(attendeeId: string): Promise<StoredProgressEvent[]> {
    return attendeeProgress(this.pool, attendeeId);
  }

  /** An attendee's last `limit` events, newest first (the instructor's read-only view of them). */
  latestProgressOf(attendeeId: string, limit: number): Promise<StoredProgressEvent[]> {
    return latestProgress(this.pool, attendeeId, limit);
  }

  /** Every attendee's events, oldest first. */
  allProgress(): Promise<StoredProgressEvent[]> {
    return allProgress(this.pool);
  }

  /**
   * One instructor passphrase attempt from `address`: refused unchecked ("limited") when that address already
   * failed `limit` times within `windowMs`, else checked and recorded. The count, the check and the record run
   * under a per-address lock, so parallel guesses can't all slip under the limit.
   */
  async passphraseAttempt(
    address: string,
    limit: number,
    windowMs: number,
    check: () => Promise<boolean>,
  ): Promise<"right" | "wrong" | "limited"> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [address]);
      const { rows } = await client.query<{ recent: number }>(
        `SELECT count(*)::int AS recent FROM passphrase_attempts
          WHERE address = $1 AND NOT succeeded AND at > now() - make_interval(secs => $2 / 1000.0)`,
        [address, windowMs],
      );
      let outcome: "right" | "wrong" | "limited" = "limited";
      if (rows[0]!.recent < limit) {
        const right = await check();
        await client.query("INSERT INTO passphrase_attempts (address, succeeded) VALUES ($1, $2)", [address, right]);
        outcome = right ? "right" : "wrong";
      }
      // Old attempts count for nothing; keep the table small.
      await client.query("DELETE FROM passphrase_attempts WHERE at < now() - interval '1 day'");
      await client.query("COMMIT");
      return outcome;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}
