// Lessons name lab addresses by placeholder, so one lesson works in every lab mode: `{{master}}` becomes the
// connection string the other nodes use to reach master (host=master port=5432 ... under Docker,
// host=127.0.0.1 port=54321 ... when embedded).
import { isNodeName, type LabStatus } from "./api-types.ts";

const PLACEHOLDER = /\{\{\s*(master|slave[1-3])\s*\}\}/g;

export function hasPlaceholders(sql: string): boolean {
  return new RegExp(PLACEHOLDER.source).test(sql);
}

export function fillPlaceholders(sql: string, lab: LabStatus): string {
  return sql.replace(PLACEHOLDER, (whole, name: string) => {
    const node = isNodeName(name) ? lab.nodes.find((n) => n.name === name) : undefined;
    return node ? node.conninfo : whole;
  });
}
