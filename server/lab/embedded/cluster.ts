import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LabError } from "../../errors.ts";
import type { Binaries } from "./binaries.ts";
import { LogFile } from "./log-file.ts";
import { spawnIdentity, type RunAs } from "./postgres-user.ts";

/** Settings every lab node gets, written into postgresql.conf once, at initialisation. */
const LAB_SETTINGS = `
# Replication Lab: every node can publish and subscribe.
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
`;

export interface ClusterOptions {
  name: string;
  dataDir: string;
  logFile: string;
  binaries: Binaries;
  runAs: RunAs | undefined;
  user: string;
  password: string;
  /**
   * Settings given on the server's command line (`-c name=value`), which outrank postgresql.conf and what
   * ALTER SYSTEM writes: workshop mode's per-lab limits. None for the single-user lab.
   */
  settings?: Readonly<Record<string, string>>;
  /** The environment the server runs with: the bridge's own unless said (workshop labs get a bare one). */
  env?: NodeJS.ProcessEnv;
  /** What initialise() appends to postgresql.conf: the lab node's settings when not given (the hub's database
   * has its own). */
  conf?: string;
}

/** Messages PostgreSQL prints in English whatever the machine's locale, so they can be matched and shown. */
const ENGLISH = { LC_MESSAGES: "C", LC_ALL: "C" };

/** One PostgreSQL cluster on disk and the postmaster serving it. */
export class Cluster {
  private process: ChildProcess | undefined;
  /** The last lines the server printed, to say why it failed. */
  private recent: string[] = [];
  /** Called when the postmaster exits without being asked to. */
  onUnexpectedExit: ((reason: string) => void) | undefined;

  constructor(readonly options: ClusterOptions) {}

  get isRunning(): boolean {
    return this.process !== undefined;
  }

  async isInitialised(): Promise<boolean> {
    return fs.access(path.join(this.options.dataDir, "PG_VERSION")).then(
      () => true,
      () => false,
    );
  }

  /** The major that made the data folder (its PG_VERSION file, e.g. "16"), or null when it has none. */
  async dataMajor(): Promise<string | null> {
    return fs.readFile(path.join(this.options.dataDir, "PG_VERSION"), "utf8").then(
      (text) => text.trim(),
      () => null,
    );
  }

  async initialise(): Promise<void> {
    const { dataDir, binaries, runAs, user, password } = this.options;
    // A folder without PG_VERSION is what an interrupted initdb leaves: start over.
    await fs.rm(dataDir, { recursive: true, force: true });
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
    if (runAs) await fs.chown(dataDir, runAs.uid, runAs.gid);
    const passwordFile = path.join(await fs.mkdtemp(path.join(os.tmpdir(), "lab-pw-")), "pw");
    await fs.writeFile(passwordFile, `${password}\n`, { mode: 0o644 });
    if (runAs) await fs.chown(path.dirname(passwordFile), runAs.uid, runAs.gid);
    try {
      const output = await this.runToEnd(binaries.initdb, [
        `--pgdata=${dataDir}`,
        `--username=${user}`,
        `--pwfile=${passwordFile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C",
        // The lab is rebuilt in seconds if the machine crashes mid-initdb; skipping fsync halves a cold start.
        "--no-sync",
        "--no-instructions",
      ]);
      if (output.code !== 0) {
        throw new LabError(`initdb for ${this.options.name} failed: ${lastLines(output.text)}`);
      }
    } finally {
      await fs.rm(path.dirname(passwordFile), { recursive: true, force: true });
    }
    await fs.appendFile(path.join(dataDir, "postgresql.conf"), this.options.conf ?? LAB_SETTINGS);
  }

  /** Starts the postmaster and resolves once it accepts connections. */
  async start(port: number): Promise<void> {
    if (this.process) return;
    const { dataDir, binaries, runAs, logFile } = this.options;
    // The logs are the lab owner's alone (see log-file.ts).
    await fs.mkdir(path.dirname(logFile), { recursive: true, mode: 0o700 });
    const { log, handle } = await LogFile.open(logFile);
    this.recent = [];
    let child: ChildProcess;
    try {
      child = spawn(binaries.postgres, ["-D", dataDir, "-p", String(port), ...this.settingArgs()], {
        ...spawnIdentity(runAs),
        env: this.env(),
        stdio: ["ignore", "ignore", handle.fd],
      });
    } finally {
      // The server has its own copy of the descriptor now.
      await handle.close();
    }
    this.process = child;
    // The ready line is looked for in what was read, not in the few lines kept for messages: a server that logs
    // more than those between two looks (subscribers reconnecting, a busy machine) would push it out, and a
    // start that succeeded would wait its full minute and fail.
    let sawReady = false;
    const readLog = async () => {
      const chunk = await log.added();
      // A standby (lesson 12) says it accepts read-only connections.
      if (/database system is ready to accept (read-only )?connections/.test(chunk)) sawReady = true;
      this.remember(chunk);
    };
    await new Promise<void>((resolve, reject) => {
      let ready = false;
      let exited = false;
      const timer = setTimeout(() => {
        if (!ready) reject(new LabError(`${this.options.name} did not accept connections within 60 s.`));
      }, 60_000);
      const watch = async () => {
        while (!ready && !exited) {
          await readLog();
          if (sawReady) {
            ready = true;
            clearTimeout(timer);
            resolve();
            return;
          }
          await new Promise((wake) => setTimeout(wake, 50));
        }
      };
      void watch();
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(new LabError(`could not run postgres for ${this.options.name}: ${error.message}`, { cause: error }));
      });
      child.once("exit", (code, signal) => {
        exited = true;
        clearTimeout(timer);
        const wasOurs = this.process === child;
        this.process = undefined;
        void readLog().then(() => {
          if (!ready)
            reject(
              new LabError(`${this.options.name} failed to start: ${this.failureReason() ?? howItEnded(code, signal)}`),
            );
          else if (wasOurs) this.onUnexpectedExit?.(this.crashReason(code, signal));
        });
      });
    });
  }

  /**
   * Starts a second postmaster on this cluster's data folder, as the walkthrough's shared volume did, and
   * returns what PostgreSQL said. The lock file (postmaster.pid) makes it refuse before it touches any data;
   * should it ever get further, it is stopped at once.
   */
  async startSecond(port: number): Promise<{ refused: boolean; output: string }> {
    const { dataDir, binaries, runAs } = this.options;
    const child = spawn(binaries.postgres, ["-D", dataDir, "-p", String(port), ...this.settingArgs()], {
      ...spawnIdentity(runAs),
      env: this.env(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const timer = setTimeout(() => child.kill("SIGQUIT"), 5000);
    const code = await exited;
    clearTimeout(timer);
    return { refused: code !== 0 && /lock file "postmaster.pid" already exists/.test(output), output: output.trim() };
  }

  /** Fast shutdown (SIGINT): rolls back open transactions, checkpoints, exits. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGINT");
    const late = setTimeout(() => child.kill("SIGQUIT"), 30_000);
    await exited;
    clearTimeout(late);
  }

  private settingArgs(): string[] {
    return Object.entries(this.options.settings ?? {}).flatMap(([name, value]) => ["-c", `${name}=${value}`]);
  }

  private env(): NodeJS.ProcessEnv {
    return { ...(this.options.env ?? process.env), ...ENGLISH };
  }

  private remember(chunk: string): void {
    for (const line of chunk.split("\n")) if (line.trim()) this.recent.push(line.trim());
    if (this.recent.length > 20) this.recent.splice(0, this.recent.length - 20);
  }

  /**
   * Why a running server stopped: the signal or exit code, and its PANIC if it printed one. Earlier lines are
   * what clients' statements caused ("relation users does not exist"), not why the server went.
   */
  private crashReason(code: number | null, signal: NodeJS.Signals | null): string {
    const panic = this.recent.filter((line) => /\bPANIC:/.test(line)).slice(-1);
    return [`the server stopped unexpectedly: ${howItEnded(code, signal)}`, ...panic].join("; ");
  }

  private failureReason(): string | undefined {
    const telling = this.recent.filter(
      (line) =>
        /\b(FATAL|PANIC|ERROR|DETAIL|HINT):/.test(line) || /\bLOG:.*(invalid|could not|cannot|failed)/i.test(line),
    );
    if (telling.length === 0) return undefined;
    return telling
      .map((line) =>
        line.replace(/^.*?\b(LOG|FATAL|PANIC|ERROR|DETAIL|HINT):\s*/, (_, level) =>
          level === "LOG" ? "" : `${level}: `,
        ),
      )
      .join(" ");
  }

  private runToEnd(command: string, args: string[]): Promise<{ code: number | null; text: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        ...spawnIdentity(this.options.runAs),
        env: this.env(),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let text = "";
      child.stdout?.on("data", (chunk) => (text += chunk));
      child.stderr?.on("data", (chunk) => (text += chunk));
      child.once("error", reject);
      child.once("close", (code) => resolve({ code, text }));
    });
  }
}

function howItEnded(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exited with code ${code}`;
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-5).join(" ");
}
