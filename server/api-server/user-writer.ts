import pg from "pg";
import type { NodePools } from "../db/pools.ts";

export interface NewUser {
  name: string;
  email: string;
}

interface Pending {
  user: NewUser;
  resolve: (id: number) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes users to master, many requests to one commit. Requests that arrive while earlier writes are in
 * flight wait in a queue and go together in the next INSERT, a single statement that commits as one: each
 * request's promise resolves with its row's id only after that commit, so nothing is acknowledged that is
 * not on disk. Under no load a batch is one row and nothing waits.
 */
export class UserWriter {
  private readonly queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly pools: NodePools,
    private readonly maxInFlight = 4,
    private readonly maxBatch = 1000,
  ) {}

  write(user: NewUser): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ user, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.insert(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async insert(batch: Pending[]): Promise<void> {
    try {
      // RETURNING gives the rows in the order they were inserted, which ORDER BY i makes the request order.
      const { rows } = await this.pools.get("master").query<{ id: number }>({
        text:
          "INSERT INTO users (name, email) SELECT n, e FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(n, e, i) ORDER BY i RETURNING id",
        values: [batch.map((p) => p.user.name), batch.map((p) => p.user.email)],
      });
      if (rows.length !== batch.length) throw new Error(`inserted ${rows.length} rows for ${batch.length} requests`);
      batch.forEach((pending, i) => pending.resolve(Number(rows[i]!.id)));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}

export function isMissingTable(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.code === "42P01";
}
