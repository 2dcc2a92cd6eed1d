// Lessons name lab addresses by placeholder, so one lesson works in every lab mode: `{{master}}` becomes the
// connection string the other nodes use to reach master (host=master port=5432 ... under Docker,
// host=127.0.0.1 port=54321 ... when embedded). `{{master user=replicator password=secret}}` is the same
// with those settings replaced or added, and `{{master password=}}` the same without a password (a setting
// given no value is removed), for the lessons that show what a connection string without one is refused.
import { isNodeName, type LabStatus } from "./api-types.ts";

const PLACEHOLDER = /\{\{\s*(master|slave[1-3])((?:\s+[a-z_]+=[^\s}]*)*)\s*\}\}/g;

export function hasPlaceholders(sql: string): boolean {
  return new RegExp(PLACEHOLDER.source).test(sql);
}

function withSettings(conninfo: string, overrides: string): string {
  const settings = new Map(conninfo.split(/\s+/).filter(Boolean).map((pair) => pair.split("=", 2) as [string, string]));
  for (const pair of overrides.trim().split(/\s+/).filter(Boolean)) {
    const [key, value] = pair.split("=", 2) as [string, string];
    if (value === "") settings.delete(key);
    else settings.set(key, value);
  }
  return [...settings].map(([key, value]) => `${key}=${value}`).join(" ");
}

export function fillPlaceholders(sql: string, lab: LabStatus): string {
  return sql.replace(PLACEHOLDER, (whole, name: string, overrides: string) => {
    const node = isNodeName(name) ? lab.nodes.find((n) => n.name === name) : undefined;
    return node ? withSettings(node.conninfo, overrides) : whole;
  });
}
