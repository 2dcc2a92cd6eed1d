// What the state checks look at on one node, read in a single query so that a checklist of any length costs
// four round trips: the public tables and their columns, the users table's row count, publications, subscriptions
// (with whether their apply worker runs), replication slots, the settings the lessons change, and the roles and
// extensions lessons create. Everything a check judges comes from here, so a check never runs SQL of its own.

export interface PublicationFacts {
  name: string;
  tables: string[];
  /** pg_publication's pubinsert, pubupdate, pubdelete, pubtruncate. */
  publish: { insert: boolean; update: boolean; delete: boolean; truncate: boolean };
}

interface SubscriptionFacts {
  name: string;
  enabled: boolean;
  publications: string[];
  /** null after `SET (slot_name = NONE)`. */
  slot: string | null;
  disableOnError: boolean;
  /** Its apply worker runs now (pg_stat_subscription has a pid for it). */
  workerRunning: boolean;
}

interface SlotFacts {
  name: string;
  active: boolean;
  /** reserved, extended, unreserved, lost; null for a slot that never reserved WAL. */
  walStatus: string | null;
}

export interface NodeFacts {
  /** Table name -> its columns, in order, for the tables in schema public. */
  tables: Record<string, string[]>;
  /** `count(*)` of public.users, or null when there is no such table. */
  users: number | null;
  publications: PublicationFacts[];
  subscriptions: SubscriptionFacts[];
  slots: SlotFacts[];
  /** The settings lessons change, as SHOW prints them, and whether each awaits a restart. */
  settings: Record<string, { value: string; pendingRestart: boolean }>;
  /** Roles that are neither built in (pg_*) nor the lab's own login. */
  roles: string[];
  extensions: string[];
}

/** The settings that lessons 2, 8 and 11 change and put back. */
const WATCHED_SETTINGS = [
  "wal_level",
  "max_wal_senders",
  "max_replication_slots",
  "max_slot_wal_keep_size",
  "track_commit_timestamp",
  "logical_decoding_work_mem",
] as const;

/**
 * One row, one column: the facts as JSON text. `users` is counted only when the table exists (CASE evaluates
 * query_to_xml only then), so the query works on any node in any state.
 */
export const FACTS_SQL = `SELECT json_build_object(
  'tables', (SELECT coalesce(json_object_agg(c.relname, (SELECT coalesce(json_agg(a.attname ORDER BY a.attnum), '[]')
        FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)), '{}')
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')),
  'users', CASE WHEN to_regclass('public.users') IS NOT NULL
      THEN (xpath('/row/n/text()', query_to_xml('SELECT count(*) AS n FROM public.users', false, true, '')))[1]
        ::text::bigint END,
  'publications', (SELECT coalesce(json_agg(json_build_object(
        'name', p.pubname,
        'tables', (SELECT coalesce(json_agg(t.tablename ORDER BY t.tablename), '[]')
          FROM pg_publication_tables t WHERE t.pubname = p.pubname),
        'publish', json_build_object('insert', p.pubinsert, 'update', p.pubupdate, 'delete', p.pubdelete,
          'truncate', p.pubtruncate))
        ORDER BY p.pubname), '[]') FROM pg_publication p),
  'subscriptions', (SELECT coalesce(json_agg(json_build_object(
        'name', s.subname, 'enabled', s.subenabled, 'publications', s.subpublications, 'slot', s.subslotname,
        'disableOnError', s.subdisableonerr,
        'workerRunning', EXISTS (SELECT FROM pg_stat_subscription w WHERE w.subid = s.oid AND w.pid IS NOT NULL
                                 AND w.relid IS NULL))
        ORDER BY s.subname), '[]')
      FROM pg_subscription s WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())),
  'slots', (SELECT coalesce(json_agg(json_build_object('name', slot_name, 'active', active, 'walStatus', wal_status)
        ORDER BY slot_name), '[]') FROM pg_replication_slots),
  'settings', (SELECT json_object_agg(name,
        json_build_object('value', current_setting(name), 'pendingRestart', pending_restart))
      FROM pg_settings WHERE name IN (${WATCHED_SETTINGS.map((name) => `'${name}'`).join(", ")})),
  'roles', (SELECT coalesce(json_agg(rolname ORDER BY rolname), '[]') FROM pg_roles
      WHERE rolname !~ '^pg_' AND rolname <> current_user AND NOT rolsuper),
  'extensions', (SELECT coalesce(json_agg(extname ORDER BY extname), '[]') FROM pg_extension WHERE extname <> 'plpgsql')
)::text AS facts`;

export function parseFacts(text: string): NodeFacts {
  const raw = JSON.parse(text) as NodeFacts & { users: number | string | null };
  return { ...raw, users: raw.users === null ? null : Number(raw.users) };
}
