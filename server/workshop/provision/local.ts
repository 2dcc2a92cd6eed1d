// The `local` driver: embedded labs on this machine, each in <workshopDir>/labs/<id>/ with its servers running
// as OS user rlab-<tag>-<id> (lab-folder.ts says why, workshop-tag.ts where the tag comes from). A warm pool
// keeps `poolSize` labs started ahead, so that a new attendee gets one at once while another starts in the
// background; `maxLabs` caps how many there are.
// An idle attendee's lab can be parked (its servers stopped, its data kept) and is started again on `get`.
import type { Config } from "../../config.ts";
import { LabError, NotFound, WorkshopFull } from "../../errors.ts";
import { EmbeddedLab } from "../../lab/embedded/index.ts";
import { folderBytes } from "../../lesson-start/disk-use.ts";
import type { LabProvider, ProvidedLab, ProviderStatus } from "../provider.ts";
import {
  existingLabIds,
  LAB_ID,
  labFolder,
  labUser,
  prepareLabFolder,
  prepareLabsFolder,
  removeLab,
  requireRoot,
  sharedMajorsFolder,
} from "./lab-folder.ts";
import { StartGate } from "./start-gate.ts";
import { workshopTag } from "../workshop-tag.ts";

/**
 * Fair use, per lab, given on each server's command line so that ALTER SYSTEM can't raise them for good:
 * max_connections and shared_buffers are fixed until the next start; statement_timeout, temp_file_limit and
 * work_mem are defaults a superuser may still SET in a session (they guard against accidents, not attendees).
 * max_connections leaves room for the bridge's pools (10 for cells, 4 for the API, the monitor's and the
 * subscription watch's) and the console's sessions.
 */
export const DEFAULT_LAB_LIMITS: Readonly<Record<string, string>> = {
  statement_timeout: "60s",
  temp_file_limit: "256MB",
  max_connections: "30",
  shared_buffers: "16MB",
  work_mem: "4MB",
};

/** Pinned the same way: a lab listens on loopback only, whatever an attendee writes with ALTER SYSTEM. */
const PINNED_SETTINGS = { listen_addresses: "127.0.0.1" };

/** Ports a lab's block spans from its first: its four nodes, with room to move past a port taken by another program. */
export const PORTS_PER_LAB = 10;

/** Labs starting at once (start-gate.ts says why not all of them). */
export const DEFAULT_START_SLOTS = 2;

/** A pool refill that failed is tried again after this, doubling up to a minute, so a lasting fault isn't a loop. */
const REFILL_RETRY_MS = 2_000;
const REFILL_RETRY_MAX_MS = 60_000;

export interface LocalProviderOptions {
  /** LAB_WORKSHOP_DIR: the labs live in <workshopDir>/labs/<id>/. */
  workshopDir: string;
  /** Labs kept started ahead, unassigned. */
  poolSize: number;
  /** The most labs there may be at once, handed out or not. */
  maxLabs: number;
  /** Where the first lab's ports start; lab n's block starts PORTS_PER_LAB × (n − 1) above. */
  basePort: number;
  /** The configuration each lab's is made from (everything but its folder and ports). */
  config: Config;
  /** Settings over DEFAULT_LAB_LIMITS. */
  limits?: Readonly<Record<string, string>>;
  /** Told what happens in the background: a lab that did not start, folders of an earlier run discarded. */
  note?: (text: string) => void;
  /** Labs starting at once; DEFAULT_START_SLOTS when not given. */
  startSlots?: number;
}

type State = "starting" | "ready" | "assigned" | "parking" | "parked";

interface Entry {
  readonly id: string;
  readonly lab: EmbeddedLab;
  state: State;
  /** Handed to an attendee (or promised to an acquire() waiting for it to start). */
  claimed: boolean;
  /** What the lab is doing now (starting or stopping), for the next caller to wait on. */
  work: Promise<void>;
  /** Parked for idleness (not merely known from before a hub restart): its next start says so on the page. */
  parkedIdle?: boolean;
}

/** The node status a lab parked for idleness shows while its attendee's next call starts it again. */
export const RESUMING_NOTE = "your lab was paused while idle; starting it again";

export class LocalProvider implements LabProvider {
  readonly driver = "local";
  private readonly labs = new Map<string, Entry>();
  private lastNumber = 0;
  private started = false;
  private stopping = false;
  private readonly note: (text: string) => void;
  private readonly gate: StartGate;
  /** Refills failed in a row: the next is tried after REFILL_RETRY_MS × 2^(failures − 1). */
  private failedRefills = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  /** The workshop folder's tag, which names the labs' OS users; known once start() has read it. */
  private tag = "";

  constructor(private readonly options: LocalProviderOptions) {
    this.note = options.note ?? (() => {});
    this.gate = new StartGate(options.startSlots ?? DEFAULT_START_SLOTS);
  }

  async start(assigned: readonly string[]): Promise<void> {
    requireRoot();
    this.tag = await workshopTag(this.options.workshopDir);
    await prepareLabsFolder(this.options.workshopDir);
    for (const id of assigned) {
      if (!LAB_ID.test(id)) throw new NotFound(`"${id}" is not the id of a local lab.`);
      this.labs.set(id, { id, lab: this.newLab(id), state: "parked", claimed: true, work: Promise.resolve() });
    }
    const existing = await existingLabIds(this.options.workshopDir);
    this.lastNumber = Math.max(0, ...[...existing, ...assigned].map(Number));
    // A folder no attendee has is a pool lab of an earlier run, or one whose hand-out was never recorded: what
    // is in it may be someone's, so it is discarded rather than handed to a new attendee.
    for (const id of existing) if (!this.labs.has(id)) await this.discard(id);
    this.started = true;
    this.fill();
  }

  async acquire(): Promise<ProvidedLab> {
    this.assertRunning();
    const ready = this.find((entry) => !entry.claimed && entry.state === "ready");
    if (ready) {
      ready.claimed = true;
      ready.state = "assigned";
      this.fill();
      return provided(ready);
    }
    let entry = this.find((candidate) => !candidate.claimed && candidate.state === "starting");
    if (entry) entry.claimed = true;
    else if (this.labs.size < this.options.maxLabs) entry = this.launch(true);
    else {
      throw new WorkshopFull(
        `Every lab of this workshop is handed out (${this.options.maxLabs} at most): ask the instructor for room.`,
      );
    }
    this.fill();
    await entry.work;
    return provided(entry);
  }

  async get(id: string): Promise<ProvidedLab> {
    this.assertRunning();
    const entry = this.handedOut(id);
    for (;;) {
      const work = entry.work;
      await work.catch(() => {});
      // Another call started or parked it meanwhile: wait for that instead.
      if (entry.work !== work) continue;
      if (entry.state === "assigned") return provided(entry);
      if (entry.state !== "parked") throw new LabError(`Lab ${id} did not start; the hub's output says why.`);
      entry.state = "starting";
      if (entry.parkedIdle) entry.lab.startingNote = RESUMING_NOTE;
      entry.work = this.gate
        .run(
          () => this.bringUp(entry),
          () => true,
        )
        .then(
          () => {
            entry.state = "assigned";
            entry.parkedIdle = false;
          },
          (error: unknown) => {
            entry.state = "parked";
            throw error;
          },
        )
        .finally(() => void (entry.lab.startingNote = undefined));
      await entry.work;
      return provided(entry);
    }
  }

  async running(id: string): Promise<ProvidedLab | null> {
    const entry = this.handedOut(id);
    return entry.state === "assigned" ? provided(entry) : null;
  }

  async park(id: string): Promise<void> {
    this.assertRunning();
    const entry = this.handedOut(id);
    await entry.work.catch(() => {});
    if (entry.state !== "assigned") return;
    entry.state = "parking";
    entry.parkedIdle = true;
    entry.work = entry.lab.stop().finally(() => void (entry.state = "parked"));
    await entry.work;
  }

  async diskBytes(id: string): Promise<number | null> {
    return folderBytes(this.labFolder(this.handedOut(id).id));
  }

  status(): ProviderStatus {
    const entries = [...this.labs.values()];
    const count = (test: (entry: Entry) => boolean) => entries.filter(test).length;
    return {
      ready: count((entry) => entry.state === "ready"),
      starting: count((entry) => entry.state === "starting"),
      assigned: count((entry) => entry.state === "assigned"),
      parked: count((entry) => entry.state === "parked" || entry.state === "parking"),
      capacityLeft: this.options.maxLabs - count((entry) => entry.claimed),
    };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    const entries = [...this.labs.values()];
    await Promise.all(entries.map((entry) => entry.work.catch(() => {})));
    await Promise.all(entries.map((entry) => entry.lab.stop().catch(() => {})));
  }

  /**
   * Deletes lab `id` for good: its servers stopped, its folder and its OS user removed. Its id is not given
   * again (new ids count on past the highest there was).
   */
  async remove(id: string): Promise<void> {
    this.assertRunning();
    if (!LAB_ID.test(id)) throw new NotFound(`"${id}" is not the id of a local lab.`);
    const entry = this.labs.get(id);
    if (entry) {
      await entry.work.catch(() => {});
      await entry.lab.stop();
      this.labs.delete(id);
    }
    await removeLab(this.options.workshopDir, this.tag, id);
  }

  /** The OS user lab `id`'s servers run as (after start()). */
  labUser(id: string): string {
    return labUser(this.tag, id);
  }

  /** Lab `id`'s folder (its data, password file, logs and lab.json). */
  labFolder(id: string): string {
    return labFolder(this.options.workshopDir, id);
  }

  /** Starts labs until the pool holds poolSize unclaimed ones, within maxLabs. */
  private fill(): void {
    if (!this.started || this.stopping || this.retryTimer) return;
    const spare = () => this.count((entry) => !entry.claimed && ["starting", "ready"].includes(entry.state));
    while (spare() < this.options.poolSize && this.labs.size < this.options.maxLabs) this.launch(false);
  }

  /** A new lab, starting: an acquire() waiting for it claims it at once, a refill of the pool does not. */
  private launch(claimed: boolean): Entry {
    const id = String(++this.lastNumber).padStart(3, "0");
    const entry: Entry = { id, lab: this.newLab(id), state: "starting", claimed, work: Promise.resolve() };
    this.labs.set(id, entry);
    entry.work = this.gate
      .run(
        () => this.bringUp(entry),
        () => entry.claimed,
      )
      .then(
        () => {
          entry.state = entry.claimed ? "assigned" : "ready";
          this.failedRefills = 0;
        },
        (error: unknown) => {
          // The pool tries again after a pause.
          this.labs.delete(id);
          if (!this.stopping) {
            this.note(`lab ${id} did not start: ${(error as Error).message}`);
            this.retryLater();
            // What it left (a folder, an OS user) goes now rather than at the hub's next start.
            removeLab(this.options.workshopDir, this.tag, id).catch((failure: Error) =>
              this.note(`lab ${id}, which did not start, could not be removed: ${failure.message}`),
            );
          }
          throw error;
        },
      );
    // A refill nobody waits for must not be an unhandled rejection; acquire() awaits the same promise.
    entry.work.catch(() => {});
    return entry;
  }

  /** Refills the pool again after a failed start, waiting longer after each failure in a row. */
  private retryLater(): void {
    this.failedRefills += 1;
    if (this.retryTimer || this.stopping) return;
    const delay = Math.min(REFILL_RETRY_MS * 2 ** (this.failedRefills - 1), REFILL_RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.fill();
    }, delay);
    this.retryTimer.unref();
  }

  private async bringUp(entry: Entry): Promise<void> {
    // A start still in line when the hub stops is not begun: stop() waits for every lab's work.
    if (this.stopping) throw new LabError(`Lab ${entry.id} was not started: the hub is stopping.`);
    await prepareLabFolder(this.options.workshopDir, this.tag, entry.id);
    try {
      await entry.lab.start();
    } catch (error) {
      await entry.lab.stop().catch(() => {});
      throw error;
    }
  }

  private newLab(id: string): EmbeddedLab {
    const { config, basePort, limits } = this.options;
    const blocks = Math.floor((65_536 - basePort) / PORTS_PER_LAB);
    const pgPort = basePort + ((Number(id) - 1) % blocks) * PORTS_PER_LAB;
    const dataDir = this.labFolder(id);
    return new EmbeddedLab(
      { ...config, mode: "embedded", dataDir, dataDirExplicit: true, pgPort, pgPortExplicit: false },
      {
        osUser: this.labUser(id),
        serverSettings: { ...DEFAULT_LAB_LIMITS, ...limits, ...PINNED_SETTINGS },
        // The hub's environment may hold its secrets; an attendee's COPY ... FROM PROGRAM 'env' must not see them.
        serverEnv: { PATH: process.env["PATH"] ?? "/usr/bin:/bin" },
        // LAB_PG_VERSIONS given to the hub: each major is downloaded once, into a folder every lab's user can
        // read (root's, mode 755, beside the labs' folders), not once into each lab's own.
        majorsDir: sharedMajorsFolder(this.options.workshopDir),
      },
    );
  }

  /**
   * Removes a lab of an earlier run, folder and OS user, stopping any server a killed hub left running on it
   * first.
   */
  private async discard(id: string): Promise<void> {
    try {
      await removeLab(this.options.workshopDir, this.tag, id);
    } catch (error) {
      this.note(`lab ${id}, left by an earlier run, could not be discarded: ${(error as Error).message}`);
      return;
    }
    this.note(`lab ${id}, left unassigned by an earlier run, was discarded with its OS user`);
  }

  private handedOut(id: string): Entry {
    const entry = this.labs.get(id);
    if (!entry?.claimed) throw new NotFound(`No lab "${id}" has been handed out.`);
    return entry;
  }

  private assertRunning(): void {
    if (!this.started || this.stopping) throw new LabError("The local lab provider is not running: start() it first.");
  }

  private find(test: (entry: Entry) => boolean): Entry | undefined {
    return [...this.labs.values()].find(test);
  }

  private count(test: (entry: Entry) => boolean): number {
    return [...this.labs.values()].filter(test).length;
  }
}

function provided(entry: Entry): ProvidedLab {
  return { id: entry.id, lab: entry.lab };
}
