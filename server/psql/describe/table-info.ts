// The relation \d NAME describes, as describe-table.ts reads it from pg_class before anything else. The
// footer modules take it too, so it lives apart from describe-table.ts, which imports them.

/** The pg_class facts describeOneTableDetails reads first, as psql's `tableinfo`. */
export interface TableInfo {
  oid: string;
  schema: string;
  name: string;
  checks: number;
  kind: string;
  hasIndex: boolean;
  hasRules: boolean;
  hasTriggers: boolean;
  rowSecurity: boolean;
  forceRowSecurity: boolean;
  hasOids: boolean;
  isPartition: boolean;
  reloptions: string;
  tablespace: string;
  ofType: string;
  persistence: string;
  replicaIdentity: string;
  accessMethod: string | null;
}
