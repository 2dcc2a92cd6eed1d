// `npm start`: builds the site if it is out of date, starts the lab and the bridge (server/start-lab.ts), prints
// where to go, leaves bridge.json for `npm run load`, and stops all four servers cleanly on Ctrl+C.
import fs from "node:fs/promises";
import type { NodeStatus } from "../shared/api-types.ts";
import { removeBridgeFile, writeBridgeFile } from "./bridge-file.ts";
import { loadConfig } from "./config.ts";
import { CliError, DomainError, oneLine } from "./errors.ts";
import type { Lab } from "./lab/lab.ts";
import type { StartedLab } from "./start-lab.ts";
import { buildSiteIfNeeded } from "./build-site.ts";
import { bridgeToken, tokenFile } from "./token.ts";
import { describePhase, type BuildPhase } from "./build-progress/phases.ts";
import { startOutput } from "./build-progress/terminal.ts";

const started = performance.now();
const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
// On a terminal, the site's phase and each starting node are lines that update in place; in a log, each says
// one line once it is done.
const output = startOutput();
const say = (line: string) => output.line(line);
const showPhase = (phase: BuildPhase) => output.live("site", phase.done ? undefined : `  ${describePhase(phase)}`);

function describe(status: NodeStatus): string {
  const name = status.name.padEnd(7);
  switch (status.state) {
    case "up":
      return (
        `  ${name} up        PostgreSQL ${status.version} on ${status.host}:${status.port}, ` +
        `wal_level=${status.walLevel}`
      );
    case "starting":
      return `  ${name} ${status.detail ?? "starting"}...`;
    case "stopping":
      return `  ${name} stopping...`;
    case "down":
      return `  ${name} down${status.error ? `: ${status.error}` : ""}`;
    case "error":
      return `  ${name} FAILED: ${status.error ?? "unknown error"}`;
  }
}

/** A path as a shell word: left alone when it is plain, else single-quoted. */
function shellQuote(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

// A promise rejected with nobody to catch it would end the process (Node's default): the bridge logs it and
// keeps serving the other nodes and pages instead.
process.on("unhandledRejection", (reason) => console.error(`bridge: unexpected failure: ${oneLine(reason)}`));

async function main() {
  const loaded = loadConfig();
  await fs.mkdir(loaded.dataDir, { recursive: true });
  const config = loaded.tokenExplicit
    ? loaded
    : { ...loaded, token: await bridgeToken(loaded.dataDir, (text) => say(`  note: ${text}`)) };
  // Ctrl+C during the start stops the nodes started so far; once the bridge listens, it closes that too.
  let starting: Lab | undefined;
  let running: StartedLab | undefined;
  let last = new Map<string, string>();
  // When each node began its current start, so that "up" says how long that start took (a node restarted from
  // a lesson an hour in is up in 0.1 s, not in 3600 s).
  const startingSince = new Map<string, number>();
  const watch = (lab: Lab) => {
    lab.on("node", (status) => {
      const line = describe(status);
      if (status.state === "starting" && !startingSince.has(status.name))
        startingSince.set(status.name, performance.now());
      // Other fields of a node (its subscriptions) change without its state: say a line only when it reads anew.
      // A node on its way up is an updating line (on a terminal), and says a line that stays once it is up.
      if (last.get(status.name) !== line) {
        const since = startingSince.get(status.name);
        output.live(status.name, status.state === "starting" ? line : undefined);
        if (status.state !== "starting")
          say(
            status.state === "up" && since !== undefined
              ? `${line}  (${((performance.now() - since) / 1000).toFixed(1)} s)`
              : line,
          );
      }
      if (status.state !== "starting") startingSince.delete(status.name);
      last.set(status.name, line);
    });
    lab.on("note", (text) => say(`  note: ${text}`));
    starting = lab;
  };

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      say("Stopping at once.");
      process.exit(130);
    }
    stopping = true;
    say(`\n${signal}: stopping the lab (Ctrl+C again to force)`);
    last = new Map();
    if (running) {
      await removeBridgeFile(config.dataDir);
      await running.stop();
    } else await starting?.stop();
    say("All nodes stopped. Your data is kept; npm start brings it back.");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("Ctrl+C"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  say(`Replication Lab: starting four PostgreSQL nodes (${config.mode} mode)`);
  // The site's build is the longest part of a first start: it begins before the lab's and the bridge's modules
  // are loaded (a second or so), and the nodes start while it runs. startLab awaits it (and hears its failure).
  const site = buildSiteIfNeeded(config.siteDir, say, { progress: showPhase });
  site.catch(() => {});
  const { startLab } = await import("./start-lab.ts");
  running = await startLab(config, { watch, site });
  const { lab, port } = running;
  await writeBridgeFile(config.dataDir, running.url, config.token);

  const down = lab.status().nodes.filter((node) => node.state !== "up");
  say("");
  // The key travels in the fragment, which the browser never sends: the page keeps it (localStorage, this
  // origin only) and drops it from the address. The served pages carry no token, so another account on this
  // machine that fetches them gets nothing it could call the API with.
  say(`  Open http://127.0.0.1:${port}/#lab-token=${config.token}  (ready in ${seconds()})`);
  if (down.length > 0) say(`  Not up yet: ${down.map((node) => node.name).join(", ")}; the status panel shows them.`);
  say(
    `  API token for other clients: ${config.token} (kept in ` +
      `${config.tokenExplicit ? "LAB_TOKEN" : tokenFile(config.dataDir)})`,
  );
  // Only a lab whose servers run here has a password file to point psql at; docker and external nodes have
  // their own ways in.
  const local = lab.localServers();
  if (local) {
    const master = lab.endpoint("master");
    say(
      `  psql on master: PGPASSWORD=$(cat ${shellQuote(local.passwordFile)}) psql "host=${master.host} ` +
        `port=${master.port} user=${master.user} dbname=${master.database}"`,
    );
  }
  say(`  Ctrl+C stops the lab.`);
}

main().catch((error: unknown) => {
  if (error instanceof CliError || error instanceof DomainError) {
    console.error(`\n${error.message}`);
    process.exit(error instanceof CliError ? error.exitCode : 1);
  }
  console.error("\nReplication Lab failed to start:", error);
  process.exit(1);
});
