// The `inventory` driver: labs listed in a file (inventory-file.ts), each four PostgreSQL servers that something
// else runs (deploy/kubernetes/, or any other machine), handed out in the file's order. The hub only connects to
// them, as external mode does, so it can neither start nor stop them: nothing is started ahead (they are all
// "ready"), and parking an idle lab stops nothing.
import type { Lab } from "../../lab/lab.ts";
import { externalLabAt } from "../../lab/remote.ts";
import { NotFound, WorkshopFull } from "../../errors.ts";
import type { LabProvider, ProvidedLab, ProviderStatus } from "../provider.ts";
import { databaseBytes } from "./database-sizes.ts";
import { readInventory, type InventoryLab } from "./inventory-file.ts";

const PARK_NOTE = "inventory labs run elsewhere: the hub can't stop an idle one, so parking keeps it running";

export class InventoryProvider implements LabProvider {
  readonly driver = "inventory";
  private readonly assigned = new Set<string>();
  /**
   * The labs this hub has connected to (an external Lab watches its nodes), by id: the promise, so that two
   * requests for a lab not connected yet share one Lab rather than each starting a watch of its own.
   */
  private readonly connected = new Map<string, Promise<Lab>>();

  constructor(private readonly labs: readonly InventoryLab[]) {}

  static async fromFile(file: string): Promise<InventoryProvider> {
    return new InventoryProvider(await readInventory(file));
  }

  async start(assigned: readonly string[]): Promise<void> {
    // An id the hub's database remembers but the file no longer lists stays unknown: `get` says so.
    for (const id of assigned) if (this.entry(id)) this.assigned.add(id);
  }

  async acquire(): Promise<ProvidedLab> {
    const next = this.labs.find((lab) => !this.assigned.has(lab.id));
    if (!next) {
      throw new WorkshopFull(
        `Every lab of the inventory (${this.labs.length}) is taken: list more in the ` +
          `inventory file and restart the hub.`,
      );
    }
    this.assigned.add(next.id);
    return { id: next.id, lab: await this.connect(next) };
  }

  async get(id: string): Promise<ProvidedLab> {
    const entry = this.entry(id);
    if (!entry || !this.assigned.has(id)) {
      throw new NotFound(
        entry ? `Lab ${id} of the inventory is not assigned to anyone.` : `The inventory lists no lab ${id}.`,
      );
    }
    return { id, lab: await this.connect(entry) };
  }

  /** An inventory lab is never parked (see PARK_NOTE): an assigned one runs, as far as the hub can tell. */
  running(id: string): Promise<ProvidedLab | null> {
    return this.get(id);
  }

  /** Nothing to do: the servers are not the hub's to stop (see PARK_NOTE, which status() carries). */
  async park(id: string): Promise<void> {
    await this.get(id);
  }

  async diskBytes(id: string): Promise<number | null> {
    return databaseBytes((await this.get(id)).lab);
  }

  status(): ProviderStatus {
    const free = this.labs.length - this.assigned.size;
    return { ready: free, starting: 0, assigned: this.assigned.size, parked: 0, capacityLeft: free, note: PARK_NOTE };
  }

  async stop(): Promise<void> {
    const labs = [...this.connected.values()];
    this.connected.clear();
    await Promise.all(labs.map(async (lab) => (await lab).stop()));
  }

  private entry(id: string): InventoryLab | undefined {
    return this.labs.find((lab) => lab.id === id);
  }

  /** Connects to a lab's four nodes and starts watching them, once per id. */
  private connect(entry: InventoryLab): Promise<Lab> {
    let connecting = this.connected.get(entry.id);
    if (!connecting) {
      const lab = externalLabAt(entry.urls);
      connecting = lab.start().then(() => lab);
      this.connected.set(entry.id, connecting);
    }
    return connecting;
  }
}
