import path from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { NODE_NAMES, type LabMode, type NodeName } from "../shared/api-types.ts";
import { CliError } from "./errors.ts";
import { KEEP_ALIVE_MS } from "./routes/event-stream.ts";
import { parsePgVersions, type PgVersions } from "./pg-majors.ts";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Where the four embedded clusters start when nothing else is said: well away from a local 5432. */
export const DEFAULT_PG_PORT = 54321;
/** The ports compose/docker-compose-async.yml publishes on 127.0.0.1. */
export const DOCKER_PG_PORT = 55432;
export const DEFAULT_BRIDGE_PORT = 4321;

/** The walkthrough's superuser, on every node. */
export const LAB_USER = "postgres";
/**
 * The walkthrough's password, which the docker mode's containers keep (compose/docker-compose-async.yml
 * publishes them on 127.0.0.1 only). The embedded lab makes a password of its own instead, so that other
 * accounts on the machine can't log in to its nodes: see server/lab/embedded/password.ts.
 */
export const LAB_PASSWORD = "postgres";
export const LAB_DATABASE = "replication";

export interface Config {
  mode: LabMode;
  /** Embedded mode: the folder holding one data folder per node and lab.json. */
  dataDir: string;
  /** True when LAB_DATA_DIR was given: then the lab uses it or fails, never a folder of its own choosing. */
  dataDirExplicit: boolean;
  /** Embedded: first port to try (ports are kept once chosen unless this is set). Docker: master's port. */
  pgPort: number;
  /** True when LAB_PG_PORT was given, which overrides the ports remembered from an earlier start. */
  pgPortExplicit: boolean;
  /** Embedded mode: each node's PostgreSQL major (LAB_PG_VERSIONS), the default major for the nodes not named. */
  pgVersions: PgVersions;
  /**
   * True when LAB_PG_VERSIONS was given: then it wins over the versions last chosen on the lab page (kept in the
   * data folder, see server/lab/embedded/versions-file.ts).
   */
  pgVersionsExplicit: boolean;
  /** External mode: one connection string per node. */
  urls: Partial<Record<NodeName, string>>;
  /**
   * Docker mode: the compose project whose containers are the nodes (LAB_COMPOSE_PROJECT). Compose names a
   * project after the compose file's folder unless told otherwise (-p), so `compose` for the project's file.
   */
  composeProject: string;
  bridgePort: number;
  token: string;
  /** Set by LAB_TOKEN; otherwise npm start keeps one per data folder (token.ts) and this is a placeholder. */
  tokenExplicit: boolean;
  statementTimeoutMs: number;
  rowLimit: number;
  /** How often an idle event feed sends a keep-alive comment. */
  keepAliveMs: number;
  /** Where the built site is served from. */
  siteDir: string;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CliError(`${name} must be a whole number from ${min} to ${max}; it is "${raw}".`, 2);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const mode = (env["LAB_MODE"] || "embedded") as LabMode;
  if (!["embedded", "docker", "external"].includes(mode)) {
    throw new CliError(`LAB_MODE must be embedded, docker or external; it is "${mode}".`, 2);
  }
  const urls: Partial<Record<NodeName, string>> = {};
  for (const name of NODE_NAMES) {
    const url = env[`LAB_${name.toUpperCase()}_URL`];
    if (url) urls[name] = url;
  }
  if (mode === "external") {
    const missing = NODE_NAMES.filter((name) => !urls[name]).map((name) => `LAB_${name.toUpperCase()}_URL`);
    if (missing.length > 0) {
      throw new CliError(
        `LAB_MODE=external needs a connection string for every node; missing ${missing.join(", ")}. ` +
          `Example: LAB_MASTER_URL=postgres://postgres:postgres@10.0.0.5:5432/replication`,
        2,
      );
    }
  }
  const pgVersions = parsePgVersions(env["LAB_PG_VERSIONS"]);
  if (mode !== "embedded" && env["LAB_PG_VERSIONS"]?.trim()) {
    throw new CliError(
      `LAB_PG_VERSIONS chooses the embedded lab's servers; in ${mode} mode the servers are ` +
        (mode === "docker" ? "the compose file's image (LAB_PG_IMAGE)." : "the ones the connection strings name."),
      2,
    );
  }
  const token = env["LAB_TOKEN"] || randomBytes(24).toString("base64url");
  if (token.length < 16) throw new CliError("LAB_TOKEN must be at least 16 characters long.", 2);
  const defaultPort = mode === "docker" ? DOCKER_PG_PORT : DEFAULT_PG_PORT;
  return {
    mode,
    dataDir: path.resolve(env["LAB_DATA_DIR"] || path.join(PROJECT_ROOT, ".lab")),
    dataDirExplicit: Boolean(env["LAB_DATA_DIR"]),
    pgPort: integer(env, "LAB_PG_PORT", defaultPort, 1024, 65532),
    pgPortExplicit: Boolean(env["LAB_PG_PORT"]),
    pgVersions,
    pgVersionsExplicit: Boolean(env["LAB_PG_VERSIONS"]?.trim()),
    urls,
    composeProject: env["LAB_COMPOSE_PROJECT"] || "compose",
    bridgePort: integer(env, "PORT", DEFAULT_BRIDGE_PORT, 0, 65535),
    token,
    tokenExplicit: Boolean(env["LAB_TOKEN"]),
    statementTimeoutMs: integer(env, "LAB_STATEMENT_TIMEOUT", 30_000, 100, 3_600_000),
    rowLimit: integer(env, "LAB_ROW_LIMIT", 1000, 1, 100_000),
    keepAliveMs: integer(env, "LAB_KEEPALIVE_MS", KEEP_ALIVE_MS, 10, 600_000),
    siteDir: path.resolve(env["LAB_SITE_DIR"] || path.join(PROJECT_ROOT, "dist")),
  };
}
