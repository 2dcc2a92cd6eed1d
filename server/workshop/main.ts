// `npm run workshop`: the hub for a class. Starts the hub's database and the labs' provider, listens on the
// address given, and prints the instructor's URL and passphrase, and the attendees' join URL and code, also as
// a QR code. Ctrl+C stops the hub and every lab; their data is kept, and the next start gives every attendee
// back their lab and session.
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import QRCode from "qrcode";
import { buildSiteIfNeeded } from "../build-site.ts";
import { loadConfig, PROJECT_ROOT } from "../config.ts";
import { CliError, DomainError, oneLine } from "../errors.ts";
import { DEFAULT_IDLE_MINUTES } from "./hub.ts";
import { DEFAULT_LOAD_SLOTS } from "./lab-apps.ts";
import { LocalProvider } from "./provision/local.ts";
import { serveHub } from "./serve.ts";

const say = (line: string) => console.log(line);

export interface WorkshopArgs {
  listenAddress: string;
  port: number;
  publicHosts: string[];
  labs: number;
  pool: number;
  tls?: { certFile: string; keyFile: string } | undefined;
  joinCodeMinutes: number;
  loadSlots: number;
  /** Parks a lab after this many minutes without a call; 0 never. */
  idleMinutes: number;
}

const USAGE = `npm run workshop -- [--listen ADDRESS[:PORT]] [--public-host NAME|URL ...] [--labs N] [--pool N]
                        [--tls-cert FILE --tls-key FILE] [--join-minutes N]
                        [--load-slots N] [--idle-minutes N]`;

function whole(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CliError(`--${name} must be a whole number from ${min} to ${max}; it is "${raw}".\n${USAGE}`, 2);
  }
  return value;
}

export function parseWorkshopArgs(argv: string[]): WorkshopArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        listen: { type: "string" },
        "public-host": { type: "string", multiple: true },
        labs: { type: "string" },
        pool: { type: "string" },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
        "join-minutes": { type: "string" },
        "load-slots": { type: "string" },
        "idle-minutes": { type: "string" },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${USAGE}`, 2);
  }
  const listen = parsed.listen ?? "0.0.0.0:4321";
  const match = /^(\[[^\]]+\]|[^:]+|)(?::(\d+))?$/.exec(listen);
  if (!match) throw new CliError(`--listen takes ADDRESS[:PORT], e.g. 0.0.0.0:4321; it is "${listen}".`, 2);
  const listenAddress = (match[1] || "0.0.0.0").replace(/^\[|\]$/g, "");
  const port = whole("listen's port", match[2], 4321, 0, 65535);
  if ((parsed["tls-cert"] === undefined) !== (parsed["tls-key"] === undefined)) {
    throw new CliError("TLS needs both --tls-cert and --tls-key.", 2);
  }
  const tls =
    parsed["tls-cert"] && parsed["tls-key"] ? { certFile: parsed["tls-cert"], keyFile: parsed["tls-key"] } : undefined;
  return {
    listenAddress,
    port,
    publicHosts: parsed["public-host"] ?? [os.hostname()],
    labs: whole("labs", parsed.labs, 20, 1, 500),
    pool: whole("pool", parsed.pool, 3, 0, 100),
    tls,
    joinCodeMinutes: whole("join-minutes", parsed["join-minutes"], 240, 1, 10_080),
    loadSlots: whole("load-slots", parsed["load-slots"], DEFAULT_LOAD_SLOTS, 1, 64),
    idleMinutes: whole("idle-minutes", parsed["idle-minutes"], DEFAULT_IDLE_MINUTES, 0, 10_080),
  };
}

async function main() {
  const args = parseWorkshopArgs(process.argv.slice(2));
  const config = loadConfig();
  const workshopDir = path.resolve(process.env["LAB_WORKSHOP_DIR"] || path.join(PROJECT_ROOT, ".workshop"));
  say(`Replication Lab workshop: starting the hub in ${workshopDir}`);
  await buildSiteIfNeeded(config.siteDir, say);
  // Each lab as an OS user of its own, from a warm pool (server/workshop/provision/local.ts); their ports in blocks
  // from LAB_WORKSHOP_PORT (56000), clear of the single-user lab's 54321 and docker mode's 55432.
  const provider = new LocalProvider({
    workshopDir,
    poolSize: args.pool,
    maxLabs: args.labs,
    basePort: Number(process.env["LAB_WORKSHOP_PORT"] || 56000),
    config,
    note: (text) => say(`  note: ${text}`),
  });
  const hub = await serveHub({
    ...args,
    workshopDir,
    provider,
    siteDir: config.siteDir,
    statementTimeoutMs: config.statementTimeoutMs,
    rowLimit: config.rowLimit,
    keepAliveMs: config.keepAliveMs,
    idleMs: args.idleMinutes * 60_000,
    passphrase: process.env["LAB_WORKSHOP_PASSPHRASE"],
    note: (text) => say(`  note: ${text}`),
  });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    say(`\n${signal}: stopping the hub and every lab (Ctrl+C again to force)`);
    await hub.close();
    say("Stopped. Every lab's data and every session are kept; npm run workshop brings them back.");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("Ctrl+C"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  say("");
  say(`  Instructor: ${hub.instructorUrl}`);
  say(`  Passphrase: ${hub.passphrase}`);
  say(`  Attendees:  ${hub.joinUrl}`);
  say(`  Join code:  ${hub.joinCode}`);
  say(`  Labs: up to ${args.labs}; listening on ${args.listenAddress}:${hub.port}${args.tls ? " (TLS)" : ""}`);
  say("");
  say(await QRCode.toString(hub.joinUrl, { type: "terminal", small: true }));
  say("  Ctrl+C stops the hub.");
}

process.on("unhandledRejection", (reason) => console.error(`hub: unexpected failure: ${oneLine(reason)}`));

main().catch((error: unknown) => {
  if (error instanceof CliError || error instanceof DomainError) {
    console.error(`\n${error.message}`);
    process.exit(error instanceof CliError ? error.exitCode : 1);
  }
  console.error("\nThe workshop hub failed to start:", error);
  process.exit(1);
});
