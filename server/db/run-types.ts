// How one statement of a cell or a console session is run, and what comes of it. The cells' runner
// (run-cell.ts), the console and the meta-commands (server/psql/meta-command.ts), which runs \g and \watch
// through its caller, all use these, so they live apart from any of them.
import type { CellNode, SqlErrorInfo, StatementResult } from "../../shared/api-types.ts";
import type { BackendKey } from "./pg-internals.ts";
import type { TypeNames } from "./type-names.ts";

export interface RunOptions {
  node: CellNode;
  rowLimit: number;
  typeNames: TypeNames;
  /** Told the backend's key once the cell has a connection, so that a cancel can reach it. */
  onBackend?: (key: BackendKey) => void;
  /** How long one statement may go without an answer before the bridge drops the connection. */
  deadlineMs: number;
  /** Aborted when the cell is cancelled: no further statement starts. */
  signal?: AbortSignal;
}

export type StatementOutcome = { result: StatementResult } | { error: SqlErrorInfo; broken?: Error };
