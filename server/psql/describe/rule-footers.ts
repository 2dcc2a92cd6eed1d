// What runs or filters on a table's rows under \d NAME: row-level policies, rules and triggers.
import { catalog, isNull, value } from "./catalog.ts";
import type { TableInfo } from "./table-info.ts";
import type { Session } from "./session.ts";

export async function policies(session: Session, info: TableInfo): Promise<string[]> {
  const { rows } = await catalog(
    session.client,
    "SELECT pol.polname, pol.polpermissive,\n" +
      "  CASE WHEN pol.polroles = '{0}' THEN NULL ELSE pg_catalog.array_to_string(array(select rolname " +
      "from pg_catalog.pg_roles where oid = any (pol.polroles) order by 1),',') END,\n" +
      "  pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),\n  pg_catalog.pg_get_expr(pol.polwithcheck, " +
      "pol.polrelid),\n" +
      "  CASE pol.polcmd\n    WHEN 'r' THEN 'SELECT'\n    WHEN 'a' THEN 'INSERT'\n    WHEN 'w' THEN 'UPDATE'\n" +
      "    WHEN 'd' THEN 'DELETE'\n    END AS cmd\nFROM pg_catalog.pg_policy pol\nWHERE pol.polrelid = $1 ORDER BY 1;",
    [info.oid],
  );
  const footers: string[] = [];
  const enabled = info.rowSecurity;
  const forced = info.forceRowSecurity;
  if (enabled && !forced && rows.length > 0) footers.push("Policies:");
  if (enabled && forced && rows.length > 0) footers.push("Policies (forced row security enabled):");
  if (enabled && !forced && rows.length === 0) footers.push("Policies (row security enabled): (none)");
  if (enabled && forced && rows.length === 0) footers.push("Policies (forced row security enabled): (none)");
  if (!enabled && rows.length > 0) footers.push("Policies (row security disabled):");
  for (const row of rows) {
    let line = `    POLICY "${value(row, 0)}"`;
    if (value(row, 1).startsWith("f")) line += " AS RESTRICTIVE";
    if (!isNull(row, 5)) line += ` FOR ${value(row, 5)}`;
    if (!isNull(row, 2)) line += `\n      TO ${value(row, 2)}`;
    if (!isNull(row, 3)) line += `\n      USING (${value(row, 3)})`;
    if (!isNull(row, 4)) line += `\n      WITH CHECK (${value(row, 4)})`;
    footers.push(line);
  }
  return footers;
}

const RULE_HEADINGS = [
  ["O", "Rules:"],
  ["D", "Disabled rules:"],
  ["A", "Rules firing always:"],
  ["R", "Rules firing on replica only:"],
] as const;

export async function rules(session: Session, info: TableInfo): Promise<string[]> {
  const { rows } = await catalog(
    session.client,
    "SELECT r.rulename, trim(trailing ';' from pg_catalog.pg_get_ruledef(r.oid, true)), ev_enabled\n" +
      "FROM pg_catalog.pg_rewrite r\nWHERE r.ev_class = $1 ORDER BY 1;",
    [info.oid],
  );
  const footers: string[] = [];
  for (const [enabled, heading] of RULE_HEADINGS) {
    const matching = rows.filter((row) => value(row, 2).startsWith(enabled));
    if (matching.length > 0) footers.push(heading);
    // Everything after "CREATE RULE " is shown as the server wrote it.
    for (const row of matching) footers.push(`    ${value(row, 1).slice(12)}`);
  }
  return footers;
}

const TRIGGER_HEADINGS = [
  { heading: "Triggers:", matches: (enabled: string) => enabled === "O" || enabled === "t" },
  {
    heading: "Disabled user triggers:",
    matches: (enabled: string, internal: boolean) => (enabled === "D" || enabled === "f") && !internal,
  },
  {
    heading: "Disabled internal triggers:",
    matches: (enabled: string, internal: boolean) => (enabled === "D" || enabled === "f") && internal,
  },
  { heading: "Triggers firing always:", matches: (enabled: string) => enabled === "A" },
  { heading: "Triggers firing on replica only:", matches: (enabled: string) => enabled === "R" },
];

export async function triggers(session: Session, info: TableInfo): Promise<string[]> {
  const { version } = session;
  const parent =
    version >= 130000
      ? "  CASE WHEN t.tgparentid != 0 THEN\n    (SELECT u.tgrelid::pg_catalog.regclass\n" +
        "     FROM pg_catalog.pg_trigger AS u,\n" +
        "          pg_catalog.pg_partition_ancestors(t.tgrelid) WITH ORDINALITY AS a(relid, depth)\n" +
        "     WHERE u.tgname = t.tgname AND u.tgrelid = a.relid\n           AND u.tgparentid = 0\n" +
        "     ORDER BY a.depth LIMIT 1)\n  END AS parent\n"
      : "  NULL AS parent\n";
  // Partitions' inherited triggers were marked internal from 11 to 14, yet psql still lists them.
  const shown =
    version >= 110000 && version < 150000
      ? "(NOT t.tgisinternal OR (t.tgisinternal AND t.tgenabled = 'D') \n" +
        "    OR EXISTS (SELECT 1 FROM pg_catalog.pg_depend WHERE objid = t.oid \n" +
        "        AND refclassid = 'pg_catalog.pg_trigger'::pg_catalog.regclass))"
      : "(NOT t.tgisinternal OR (t.tgisinternal AND t.tgenabled = 'D'))";
  const { rows } = await catalog(
    session.client,
    "SELECT t.tgname, pg_catalog.pg_get_triggerdef(t.oid, true), t.tgenabled, t.tgisinternal,\n" +
      `${parent}FROM pg_catalog.pg_trigger t\nWHERE t.tgrelid = $1 AND ${shown}\nORDER BY 1;`,
    [info.oid],
  );
  const footers: string[] = [];
  for (const { heading, matches } of TRIGGER_HEADINGS) {
    const matching = rows.filter((row) => matches(value(row, 2), value(row, 3) === "t"));
    if (matching.length > 0) footers.push(heading);
    for (const row of matching) {
      // Everything after " TRIGGER " is shown as the server wrote it.
      const definition = value(row, 1);
      const at = definition.indexOf(" TRIGGER ");
      let line = `    ${at >= 0 ? definition.slice(at + 9) : definition}`;
      if (!isNull(row, 4)) line += `, ON TABLE ${value(row, 4)}`;
      footers.push(line);
    }
  }
  return footers;
}
