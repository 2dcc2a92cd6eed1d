// A small, real LabProvider for the hub's tests: each lab is a real EmbeddedLab (four PostgreSQL servers) in
// <workshopDir>/labs/<id>, started when acquired or asked for. It leaves out what the `local` driver adds (an OS
// user per lab, a warm pool, parking idle labs): the hub's tests are about sessions and routing, not isolation.
import fs from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "../../server/config.ts";
import { WorkshopFull } from "../../server/errors.ts";
import { EmbeddedLab } from "../../server/lab/embedded/index.ts";
import type { LabProvider, ProvidedLab, ProviderStatus } from "../../server/workshop/provider.ts";
import { freeBase } from "./temp-dir.ts";

export class FolderLabs implements LabProvider {
  readonly driver = "local" as const;
  private readonly assigned = new Set<string>();
  private readonly running = new Map<string, Promise<ProvidedLab>>();

  constructor(
    private readonly workshopDir: string,
    private readonly maxLabs: number,
  ) {}

  async start(assigned: readonly string[]): Promise<void> {
    for (const id of assigned) this.assigned.add(id);
    await fs.mkdir(path.join(this.workshopDir, "labs"), { recursive: true, mode: 0o755 });
  }

  async acquire(): Promise<ProvidedLab> {
    if (this.assigned.size >= this.maxLabs) throw new WorkshopFull(`All ${this.maxLabs} labs are taken.`);
    let n = 1;
    while (this.assigned.has(`lab-${n}`)) n++;
    const id = `lab-${n}`;
    this.assigned.add(id);
    return this.get(id);
  }

  get(id: string): Promise<ProvidedLab> {
    if (!this.assigned.has(id)) return Promise.reject(new Error(`lab ${id} was never handed out`));
    let running = this.running.get(id);
    if (!running) {
      running = this.startLab(id);
      this.running.set(id, running);
      running.catch(() => this.running.delete(id));
    }
    return running;
  }

  private async startLab(id: string): Promise<ProvidedLab> {
    const dataDir = path.join(this.workshopDir, "labs", id);
    const config = { ...loadConfig({ LAB_DATA_DIR: dataDir }), pgPort: await freeBase() };
    const lab = new EmbeddedLab(config);
    await lab.start();
    return { id, lab };
  }

  async park(id: string): Promise<void> {
    const running = this.running.get(id);
    this.running.delete(id);
    if (running) await (await running).lab.stop();
  }

  status(): ProviderStatus {
    return {
      ready: 0,
      starting: 0,
      assigned: this.running.size,
      parked: this.assigned.size - this.running.size,
      capacityLeft: this.maxLabs - this.assigned.size,
    };
  }

  async stop(): Promise<void> {
    const labs = await Promise.allSettled([...this.running.values()]);
    this.running.clear();
    await Promise.all(labs.map((lab) => (lab.status === "fulfilled" ? lab.value.lab.stop() : null)));
  }
}
