// One bridge app (server/app.ts createApp, the same routes single-user mode serves) per attendee's lab, made
// the first time that attendee calls and kept while the lab is the same. Each also listens on a private
// loopback port of its own, because a lesson's replay and a load run call the bridge over HTTP with a token.
import { randomBytes } from "node:crypto";
import { createApp } from "../app.ts";
import type { Lab } from "../lab/lab.ts";
import { listen } from "../listen.ts";
import { LoadQueue } from "../load-run/queue.ts";
import { loopbackPolicy } from "../security.ts";
import { DiskMeter } from "./disk-meter.ts";
import { labPolicy } from "./lab-policy.ts";
import type { LabProvider } from "./provider.ts";
import type { PublicAddress } from "./web-security.ts";

export interface LabAppOptions {
  siteDir: string;
  statementTimeoutMs: number;
  rowLimit: number;
  keepAliveMs?: number;
  /** At most this many load runs at once across every lab (the rest wait in line); 2 when not given. */
  loadSlots?: number;
  /** How old a lab's disk figure may be before it is measured again (disk-meter.ts); 10 s when not given. */
  diskMaxAgeMs?: number;
}

export const DEFAULT_LOAD_SLOTS = 2;

/** How long the hub waits for a lab's own API (call below): a reset of a busy lab takes tens of seconds at most. */
const LAB_CALL_TIMEOUT_MS = 180_000;

type App = ReturnType<typeof createApp>;

interface Entry {
  lab: Lab;
  app: App;
  /** The app's private loopback listener and the token it asks for: how the hub calls the lab's own API. */
  port: number;
  token: string;
  closeListener: () => Promise<void>;
}

/** What a lab's own API answered to the hub: its status and its JSON body (null when it sent none). */
export interface LabAnswer {
  status: number;
  json: unknown;
}

export class LabApps {
  private readonly entries = new Map<string, Promise<Entry>>();
  /** One queue for every lab's load runs: the machine's cores are what they share. */
  readonly loadQueue: LoadQueue;
  /** Every lab's disk use, measured in the background (disk-meter.ts): the attendee's and the instructor's. */
  readonly disk: DiskMeter;

  constructor(
    private readonly provider: LabProvider,
    private readonly address: PublicAddress,
    private readonly options: LabAppOptions,
  ) {
    this.loadQueue = new LoadQueue(options.loadSlots ?? DEFAULT_LOAD_SLOTS);
    this.disk = new DiskMeter((id) => provider.diskBytes(id), options.diskMaxAgeMs);
  }

  /**
   * Gets lab `labId`'s app and disk figure ready in the background, for an attendee who has just joined: the
   * page's first calls, a moment later, then find them made instead of making them under a class's load.
   */
  prepare(labId: string, owner: string): void {
    this.get(labId, owner).catch(() => {});
    this.disk.bytes(labId).catch(() => {});
  }

  /**
   * The app serving this lab; the provider starts the lab again first if it was parked or the hub restarted.
   * `owner` is the attendee the lab was handed to, whose name the app's lab statuses carry: a lab id is never
   * handed to anyone else, so the owner an app was made with stays right for as long as the app lives.
   */
  async get(labId: string, owner: string): Promise<App> {
    const provided = await this.provider.get(labId);
    const known = this.entries.get(labId);
    if (known) {
      const entry = await known.catch(() => undefined);
      if (entry && entry.lab === provided.lab) return entry.app;
      // The provider handed out another Lab for this id (a parked lab started again): serve that one.
      if (this.entries.get(labId) === known) this.entries.delete(labId);
      if (entry) void this.closeEntry(entry);
    }
    let made = this.entries.get(labId);
    if (!made) {
      made = this.make(labId, provided.lab, owner);
      this.entries.set(labId, made);
      made.catch(() => this.entries.delete(labId));
    }
    return (await made).app;
  }

  /**
   * Calls lab `labId`'s own API as the hub (the instructor's actions on an attendee's lab, issue 14): over the
   * app's private loopback port with its token, so the call goes through the same routes and checks as the
   * page's, and an error comes back as the lab's own answer. A POST sends `body` as JSON; a GET sends none.
   */
  async call(labId: string, owner: string, path: string, body?: unknown): Promise<LabAnswer> {
    await this.get(labId, owner);
    const entry = await this.entries.get(labId)!;
    const headers: Record<string, string> = { Authorization: `Bearer ${entry.token}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(`http://127.0.0.1:${entry.port}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      // A lab that stops answering must not hold the caller (and the instructor's action) forever.
      signal: AbortSignal.timeout(LAB_CALL_TIMEOUT_MS),
    });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // A body that is not JSON says nothing the caller reads; the status says what happened.
    }
    return { status: response.status, json };
  }

  private async make(labId: string, lab: Lab, owner: string): Promise<Entry> {
    const token = randomBytes(24).toString("base64url");
    let port = 0;
    const internal = loopbackPolicy(() => port, token);
    const app = createApp({
      ...this.options,
      lab,
      token,
      port: () => port,
      policy: labPolicy(labId, this.address, internal),
      loadQueue: this.loadQueue,
      // The figure known now: an attendee's status never waits for a walk of their lab's folder.
      diskBytes: async () => this.disk.latest(labId),
      workshop: { labId, name: owner },
    });
    const listening = await listen(app.handler, 0, app.upgrade);
    port = listening.port;
    const closeListener = async () => {
      listening.server.closeAllConnections();
      await new Promise<void>((resolve) => listening.server.close(() => resolve()));
    };
    return { lab, app, port, token, closeListener };
  }

  private async closeEntry(entry: Entry): Promise<void> {
    await Promise.allSettled([entry.app.close(), entry.closeListener()]);
  }

  async close(): Promise<void> {
    const entries = await Promise.allSettled([...this.entries.values()]);
    this.entries.clear();
    await Promise.all(entries.map((entry) => (entry.status === "fulfilled" ? this.closeEntry(entry.value) : null)));
  }
}
