// Each node's lines, kept in the browser across reloads, as psql keeps ~/.psql_history.
import type { NodeName } from "../../../shared/api-types.ts";

export type HistoryStorage = Pick<Storage, "getItem" | "setItem">;

const LIMIT = 500;
const key = (node: NodeName) => `replication-lab:psql-history:${node}`;

export class History {
  constructor(private readonly storage: HistoryStorage | null) {}

  /** Oldest first. */
  entries(node: NodeName): string[] {
    try {
      const stored: unknown = JSON.parse(this.storage?.getItem(key(node)) ?? "[]");
      return Array.isArray(stored) ? stored.filter((entry): entry is string => typeof entry === "string") : [];
    } catch {
      return [];
    }
  }

  /** Blank lines and a line just like the one before are not kept. */
  add(node: NodeName, line: string): void {
    if (line.trim() === "") return;
    const entries = this.entries(node);
    if (entries.at(-1) === line) return;
    entries.push(line);
    try {
      this.storage?.setItem(key(node), JSON.stringify(entries.slice(-LIMIT)));
    } catch {
      // Storage that is full or refused (private windows) only costs the history.
    }
  }
}
