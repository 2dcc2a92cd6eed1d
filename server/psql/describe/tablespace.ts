import { catalog, value } from "./catalog.ts";
import type { Session } from "./session.ts";

/**
 * psql's add_tablespace_footer(): nothing for the database's default tablespace; otherwise a line of its own,
 * or (for an index in a table's Indexes: list) appended to the last footer.
 */
export async function addTablespace(
  session: Session,
  footers: string[],
  tablespace: string,
  newLine: boolean,
  kind = "i",
): Promise<void> {
  if (!["r", "m", "i", "p", "I", "t"].includes(kind) || tablespace === "0" || tablespace === "") return;
  const { rows } = await catalog(session.client, "SELECT spcname FROM pg_catalog.pg_tablespace\nWHERE oid = $1;", [
    tablespace,
  ]);
  if (rows.length === 0) return;
  const name = value(rows[0], 0);
  if (newLine) footers.push(`Tablespace: "${name}"`);
  else footers[footers.length - 1] += `, tablespace "${name}"`;
}
