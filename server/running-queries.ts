import type { CellNode } from "../shared/api-types.ts";
import type { BackendKey } from "./db/pg-internals.ts";

interface Running {
  node: CellNode;
  /** The backend serving the cell, once it has a connection. */
  backend?: BackendKey;
}

/** Cells in flight by the id their caller gave them, so that a cancel can find the backend. */
export class RunningQueries {
  private readonly byId = new Map<string, Running>();

  add(id: string, node: CellNode): Running {
    const running: Running = { node };
    this.byId.set(id, running);
    return running;
  }

  get(id: string): Running | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  delete(id: string): void {
    this.byId.delete(id);
  }
}
