// npm run workshop's options, read from the command line with a sentence and the usage for each mistake.
import os from "node:os";
import { parseArgs } from "node:util";
import { CliError } from "../errors.ts";
import { DEFAULT_IDLE_MINUTES } from "./hub.ts";
import { DEFAULT_LOAD_SLOTS } from "./lab-apps.ts";

export interface WorkshopArgs {
  listenAddress: string;
  port: number;
  publicHosts: string[];
  labs: number;
  pool: number;
  tls?: { certFile: string; keyFile: string } | undefined;
  joinCodeMinutes: number;
  /** Where labs come from: started here (`local`), or listed in an inventory file (`inventory`). */
  driver: { kind: "local" } | { kind: "inventory"; file: string };
  /** How many load runs go at once across the hub; the others wait in line. */
  loadSlots: number;
  /** Parks a lab after this many minutes without a call; 0 never. */
  idleMinutes: number;
  /** End the workshop for good instead of serving it: every lab's folder and OS user, the hub's database and user. */
  end: boolean;
  /** Ending without asking first. */
  yes: boolean;
}

const USAGE = `npm run workshop -- [--listen ADDRESS[:PORT]] [--public-host NAME|URL ...] [--labs N] [--pool N]
                        [--tls-cert FILE --tls-key FILE] [--join-minutes N]
                        [--driver local | --driver inventory --inventory FILE]
                        [--load-slots N] [--idle-minutes N]
       npm run workshop -- --end [--yes]`;

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
        driver: { type: "string" },
        inventory: { type: "string" },
        "load-slots": { type: "string" },
        "idle-minutes": { type: "string" },
        end: { type: "boolean" },
        yes: { type: "boolean" },
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
  const driverName = parsed.driver ?? (parsed.inventory !== undefined ? "inventory" : "local");
  if (driverName !== "local" && driverName !== "inventory") {
    throw new CliError(`--driver is local or inventory; it is "${driverName}".\n${USAGE}`, 2);
  }
  if (driverName === "inventory" && parsed.inventory === undefined) {
    throw new CliError(`--driver inventory needs --inventory FILE: the labs' connection strings.\n${USAGE}`, 2);
  }
  if (driverName === "local" && parsed.inventory !== undefined) {
    throw new CliError("--inventory goes with --driver inventory, not with the local driver.", 2);
  }
  if (parsed.yes && !parsed.end) throw new CliError(`--yes goes with --end: it skips ending's question.\n${USAGE}`, 2);
  const driver =
    driverName === "inventory" ? { kind: "inventory" as const, file: parsed.inventory! } : { kind: "local" as const };
  return {
    driver,
    listenAddress,
    port,
    publicHosts: parsed["public-host"] ?? [os.hostname()],
    labs: whole("labs", parsed.labs, 20, 1, 500),
    pool: whole("pool", parsed.pool, 3, 0, 100),
    tls,
    joinCodeMinutes: whole("join-minutes", parsed["join-minutes"], 240, 1, 10_080),
    loadSlots: whole("load-slots", parsed["load-slots"], DEFAULT_LOAD_SLOTS, 1, 64),
    idleMinutes: whole("idle-minutes", parsed["idle-minutes"], DEFAULT_IDLE_MINUTES, 0, 10_080),
    end: parsed.end ?? false,
    yes: parsed.yes ?? false,
  };
}
