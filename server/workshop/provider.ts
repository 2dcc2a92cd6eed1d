// Workshop mode hands every attendee a lab of their own. Where those labs come from is a driver behind this one
// interface (JupyterHub calls it a spawner): `local` starts embedded labs on this machine, each as an OS user of
// its own, from a warm pool; `inventory` hands out labs listed in a file (four connection strings each, made by
// whatever runs the servers, e.g. deploy/kubernetes/). The hub keeps which attendee has which lab id in its
// database, so after a hub restart it asks the provider for the same ids again.
import type { Lab } from "../lab/lab.ts";

/** A lab handed to one attendee. Its id is stable across hub restarts and names it in the hub's database. */
export interface ProvidedLab {
  readonly id: string;
  /** Started and ready for the bridge's routes (the same Lab the single-user bridge serves). */
  readonly lab: Lab;
}

export interface ProviderStatus {
  /** Started, unassigned, ready to hand out at once. */
  ready: number;
  /** Being started to refill the pool. */
  starting: number;
  /** Handed to an attendee and running. */
  assigned: number;
  /** Handed to an attendee, stopped while idle, data kept. */
  parked: number;
  /** How many more labs this provider can ever hand out (inventory: lines left; local: the configured maximum). */
  capacityLeft: number;
  /** What the driver wants the instructor to know about these numbers (inventory: that parking stops nothing). */
  note?: string;
}

export interface LabProvider {
  readonly driver: "local" | "inventory";
  /**
   * Gets ready: remembers that the labs with these ids are already assigned (the hub's database says so after a
   * restart; they are started again lazily by `get`), and starts filling the warm pool in the background.
   */
  start(assigned: readonly string[]): Promise<void>;
  /** A ready lab for a new attendee, from the warm pool when it has one. Throws WorkshopFull (a domain error)
   * when the configured number of labs is reached. */
  acquire(): Promise<ProvidedLab>;
  /** The assigned lab with this id, started again first if it was parked or the hub restarted. */
  get(id: string): Promise<ProvidedLab>;
  /**
   * The assigned lab with this id if it runs now, or null while it is parked (or starting, or stopping): never
   * starts one. The instructor's room draws an attendee's lab with it, and a look must not wake a parked lab.
   */
  running(id: string): Promise<ProvidedLab | null>;
  /** Stops an assigned lab that has been idle, keeping its data; the next `get` starts it again. */
  park(id: string): Promise<void>;
  /**
   * The disk an assigned lab takes, without starting it: local, its folder (`du -s`: data, WAL, logs, lesson
   * snapshots), parked or not; inventory, pg_database_size of every database on its four nodes, null when a node
   * can't be reached.
   */
  diskBytes(id: string): Promise<number | null>;
  status(): ProviderStatus;
  /** Stops every lab this provider started (data kept). */
  stop(): Promise<void>;
}
