// What a console session's own commands (session-commands.ts) may see and change of the session that runs
// them. The session (psql.ts) implements it and runs the commands; the commands know only this, so the two
// modules don't import each other, and the query buffer changes only through the session's own methods.
import type pg from "pg";
import type { NodeName } from "../../shared/api-types.ts";
import type { RunOptions, StatementOutcome } from "../db/run-types.ts";
import type { MetaOutcome } from "../psql/meta-command.ts";
import type { Display } from "../psql/format.ts";
import type { SqlPiece } from "../psql/split-sql.ts";
import type { Activity } from "./activity.ts";
import type { NodeConnection } from "./connection.ts";

export interface PsqlSession {
  readonly node: NodeName;
  readonly connection: NodeConnection | null;
  /** The statement typed so far, not yet ended by a semicolon; \p prints it. */
  readonly buffer: string;
  /** The last query sent: \g, \watch and \p use it when the query buffer is empty, as psql does. */
  previous: string | null;
  readonly display: Display;
  timing: boolean;
  /** What the line being run is doing; \watch waits on it between runs. */
  readonly activity: Activity | null;
  write(text: string): void;
  /** \r and Ctrl+C at the prompt: the query buffer is emptied. */
  resetBuffer(): void;
  /** \c: true once the session is on the node. */
  connect(node: NodeName): Promise<boolean>;
  run(client: pg.Client, piece: SqlPiece, options: RunOptions): Promise<StatementOutcome>;
  runOptions(): RunOptions;
  show(outcome: StatementOutcome | MetaOutcome, title?: string): Promise<void>;
}
