// \dRs and \dRs+: describeSubscriptions in psql 18's describe.c. Only the current database's subscriptions,
// as psql shows; \dRs+ reads subconninfo, which only superusers may (others get the server's error).
import { catalog } from "./catalog.ts";
import { MetaError } from "./errors.ts";
import { Params, patternConditions, whereClause } from "./pattern.ts";
import { versionName, type MetaOutput, type Session } from "./session.ts";

export async function describeSubscriptions(
  session: Session,
  pattern: string | undefined,
  verbose: boolean,
): Promise<MetaOutput[]> {
  const { version } = session;
  if (version < 100000) {
    throw new MetaError(`The server (version ${versionName(version)}) does not support subscriptions.`);
  }
  const columns = [
    `subname AS "Name"`,
    `pg_catalog.pg_get_userbyid(subowner) AS "Owner"`,
    `subenabled AS "Enabled"`,
    `subpublications AS "Publication"`,
  ];
  if (verbose) {
    if (version >= 140000) {
      columns.push(`subbinary AS "Binary"`);
      columns.push(
        version >= 160000
          ? `(CASE substream\n    WHEN 'f' THEN 'off'\n    WHEN 't' THEN 'on'\n    WHEN 'p' THEN 'parallel'\n   ` +
              `END) AS "Streaming"`
          : `substream AS "Streaming"`,
      );
    }
    if (version >= 150000)
      columns.push(`subtwophasestate AS "Two-phase commit"`, `subdisableonerr AS "Disable on error"`);
    if (version >= 160000) {
      columns.push(
        `suborigin AS "Origin"`,
        `subpasswordrequired AS "Password required"`,
        `subrunasowner AS "Run as owner?"`,
      );
    }
    if (version >= 170000) columns.push(`subfailover AS "Failover"`);
    columns.push(`subsynccommit AS "Synchronous commit"`, `subconninfo AS "Conninfo"`);
    if (version >= 150000) columns.push(`subskiplsn AS "Skip LSN"`);
  }
  const params = new Params();
  const where = await patternConditions(pattern, { name: "subname", maxParts: 1 }, params, session.database);
  const sql =
    `SELECT ${columns.join("\n,  ")}\nFROM pg_catalog.pg_subscription\n` +
    "WHERE subdbid = (SELECT oid\n                 FROM pg_catalog.pg_database\n" +
    "                 WHERE datname = pg_catalog.current_database())\n" +
    `${whereClause(where, true)}ORDER BY 1;`;
  const { fields, rows } = await catalog(session.client, sql, params.values);
  return [{ title: "List of subscriptions", fields, rows, showRowCount: true }];
}
