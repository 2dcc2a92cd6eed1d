// The hub's progress events (issue 14): one row per event an attendee's page reported, stamped with the hub's
// clock. A column the event left out is NULL here and absent again when read back, so what is listed has the
// shape the page sent (shared/progress-events.ts) plus the attendee and the time.
import type pg from "pg";
import type { ProgressEvent, StoredProgressEvent } from "../../../shared/progress-events.ts";

interface ProgressRow {
  id: string;
  attendee_id: string;
  at: Date;
  kind: ProgressEvent["kind"];
  lesson: string | null;
  step: number | null;
  check_subject: string | null;
  met: boolean | null;
  sqlstate: string | null;
  message: string | null;
  sql: string | null;
  output: string | null;
}

const COLUMNS = "id, attendee_id, at, kind, lesson, step, check_subject, met, sqlstate, message, sql, output";

function stored(row: ProgressRow): StoredProgressEvent {
  const event: StoredProgressEvent = {
    id: Number(row.id),
    attendeeId: row.attendee_id,
    at: row.at.toISOString(),
    kind: row.kind,
  };
  if (row.lesson !== null) event.lesson = row.lesson;
  if (row.step !== null) event.step = row.step;
  if (row.check_subject !== null) event.check = row.check_subject;
  if (row.met !== null) event.met = row.met;
  if (row.sqlstate !== null) event.sqlstate = row.sqlstate;
  if (row.message !== null) event.message = row.message;
  if (row.sql !== null) event.sql = row.sql;
  if (row.output !== null) event.output = row.output;
  return event;
}

export async function addProgressEvent(
  pool: pg.Pool,
  attendeeId: string,
  event: ProgressEvent,
): Promise<StoredProgressEvent> {
  const { rows } = await pool.query<ProgressRow>(
    `INSERT INTO progress_events (attendee_id, kind, lesson, step, check_subject, met, sqlstate, message, sql, output)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
    [
      attendeeId,
      event.kind,
      event.lesson ?? null,
      event.step ?? null,
      event.check ?? null,
      event.met ?? null,
      event.sqlstate ?? null,
      event.message ?? null,
      event.sql ?? null,
      event.output ?? null,
    ],
  );
  return stored(rows[0]!);
}

/** One attendee's events, oldest first. */
export async function attendeeProgress(pool: pg.Pool, attendeeId: string): Promise<StoredProgressEvent[]> {
  const { rows } = await pool.query<ProgressRow>(
    `SELECT ${COLUMNS} FROM progress_events WHERE attendee_id = $1 ORDER BY at, id`,
    [attendeeId],
  );
  return rows.map(stored);
}

/** Every attendee's events, oldest first: the instructor's room builds its grid from them. */
export async function allProgress(pool: pg.Pool): Promise<StoredProgressEvent[]> {
  const { rows } = await pool.query<ProgressRow>(`SELECT ${COLUMNS} FROM progress_events ORDER BY at, id`);
  return rows.map(stored);
}

/** One attendee's last `limit` events, newest first: the instructor's read-only view of them. */
export async function latestProgress(pool: pg.Pool, attendeeId: string, limit: number): Promise<StoredProgressEvent[]> {
  const { rows } = await pool.query<ProgressRow>(
    `SELECT ${COLUMNS} FROM progress_events WHERE attendee_id = $1 ORDER BY at DESC, id DESC LIMIT $2`,
    [attendeeId, limit],
  );
  return rows.map(stored);
}
