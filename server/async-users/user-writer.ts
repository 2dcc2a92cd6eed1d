import pg from "pg";
import type { NewUser } from "../../shared/api-schemas.ts";
import type { NodePools } from "../db/pools.ts";

interface Pending {
  user: NewUser;
  resolve: (id: number) => void;
  reject: (error: unknown) => void;
}

/** Master could not be reached, so no INSERT was sent: the user was surely not written. */
export class MasterUnreachable extends Error {
  constructor(options?: ErrorOptions) {
    super("master is not reachable", options);
    this.name = "MasterUnreachable";
  }
}

/**
 * The INSERT reached master but its answer never came back (the connection dropped, the backend was ended):
 * the commit may have happened or not, and only master can tell.
 */
export class WriteOutcomeUnknown extends Error {
  constructor(options?: ErrorOptions) {
    super("master stopped answering after the INSERT was sent", options);
    this.name = "WriteOutcomeUnknown";
  }
}

/**
 * Writes users to master, many requests to one commit. Requests that arrive while earlier writes are in
 * flight wait in a queue and go together in the next INSERT, a single statement that commits as one: each
 * request's promise resolves with its row's id only after that commit, so nothing is acknowledged that is
 * not on disk. Under no load a batch is one row and nothing waits.
 *
 * One bad row must not sink the requests it was grouped with: when PostgreSQL refuses a group for its data,
 * the INSERT was rolled back whole, so the group is split in halves and each half tried again, down to single
 * rows; only the rows that fail alone are refused.
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
      const ids = await this.insertRows(batch.map((pending) => pending.user));
      batch.forEach((pending, i) => pending.resolve(ids[i]!));
    } catch (error) {
      if (batch.length > 1 && isRowRefusal(error)) {
        const half = Math.ceil(batch.length / 2);
        await this.insert(batch.slice(0, half));
        await this.insert(batch.slice(half));
      } else {
        for (const pending of batch) pending.reject(error);
      }
    }
  }

  /** One INSERT for all the rows; its ids in the rows' order. */
  private async insertRows(users: NewUser[]): Promise<number[]> {
    const client = await this.pools
      .get("master")
      .connect()
      .catch((error: unknown) => {
        throw new MasterUnreachable({ cause: error });
      });
    let broken: Error | undefined;
    // A checked-out client has no listener of the pool's: a backend ended mid-statement would emit an
    // 'error' nobody hears, which ends the process. The statement's own rejection says what happened.
    const ignore = () => {};
    client.on("error", ignore);
    try {
      // RETURNING gives the rows in the order they were inserted, which ORDER BY i makes the request order.
      const { rows } = await client.query<{ id: number }>({
        text:
          "INSERT INTO users (name, email) SELECT n, e FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS " +
          "t(n, e, i) ORDER BY i RETURNING id",
        values: [users.map((user) => user.name), users.map((user) => user.email)],
      });
      if (rows.length !== users.length) throw new Error(`inserted ${rows.length} rows for ${users.length} requests`);
      return rows.map((row) => Number(row.id));
    } catch (error) {
      if (!outcomeIsKnown(error)) {
        broken = error as Error;
        throw new WriteOutcomeUnknown({ cause: error });
      }
      throw error;
    } finally {
      // A connection that failed mid-statement is thrown away, not handed to the next batch.
      client.release(broken);
      client.off("error", ignore);
    }
  }
}

/**
 * A statement PostgreSQL answered with an error was rolled back, except when the error ended the session
 * (class 57P: the server shutting down or the backend terminated; class 08: the connection broke), which can
 * come after the commit. Without an answer at all, nothing is known.
 */
function outcomeIsKnown(error: unknown): boolean {
  return error instanceof pg.DatabaseError && !/^(57P|08)/.test(error.code ?? "");
}

/** Errors one row's data can cause (class 22: data exception, class 23: integrity constraint violation). */
export function isRowRefusal(error: unknown): error is pg.DatabaseError {
  return error instanceof pg.DatabaseError && /^(22|23)/.test(error.code ?? "");
}

export function isMissingTable(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.code === "42P01";
}
