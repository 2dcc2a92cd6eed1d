// Lessons name lab addresses by placeholder, so one lesson works in every lab mode: `{{master}}` becomes the
// connection string the other nodes use to reach master (host=master port=5432 ... under Docker,
// host=127.0.0.1 port=54321 ... when embedded). `{{master user=replicator password=secret}}` is the same
// with those settings replaced or added, and `{{master password=}}` the same without a password (a setting
// given no value is removed), for the lessons that show what a connection string without one is refused.
import { isCellNode, type CellNode, type LabStatus } from "../api-types.ts";

/** Each node's connection string by name: a live lab's, or the ones the lessons were recorded with. */
export type Conninfos = Partial<Record<CellNode, string>>;

const PLACEHOLDER = /\{\{\s*(master|slave[1-3]|standby)((?:\s+[a-z_]+=[^\s}]*)*)\s*\}\}/g;

export function hasPlaceholders(sql: string): boolean {
  return new RegExp(PLACEHOLDER.source).test(sql);
}

function withSettings(conninfo: string, overrides: string): string {
  const settings = new Map(
    conninfo
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => pair.split("=", 2) as [string, string]),
  );
  for (const pair of overrides.trim().split(/\s+/).filter(Boolean)) {
    const [key, value] = pair.split("=", 2) as [string, string];
    if (value === "") settings.delete(key);
    else settings.set(key, value);
  }
  return [...settings].map(([key, value]) => `${key}=${value}`).join(" ");
}

/** The SQL with each placeholder (its whole text, `{{master password=}}`) replaced by what `by` makes of it. */
export function replacePlaceholders(sql: string, by: (placeholder: string) => string): string {
  return sql.replace(PLACEHOLDER, (whole) => by(whole));
}

export function conninfosOf(lab: LabStatus): Conninfos {
  return Object.fromEntries(lab.nodes.map((node) => [node.name, node.conninfo]));
}

export function fillPlaceholders(sql: string, lab: LabStatus): string {
  return fillPlaceholdersWith(sql, conninfosOf(lab));
}

/** The same with the connection strings given by node: a placeholder whose node has none is left as it is. */
export function fillPlaceholdersWith(sql: string, conninfos: Conninfos): string {
  return sql.replace(PLACEHOLDER, (whole, name: string, overrides: string) => {
    const conninfo = isCellNode(name) ? conninfos[name] : undefined;
    return conninfo === undefined ? whole : withSettings(conninfo, overrides);
  });
}
