// `npm run workshop`: the hub for a class. Starts the hub's database and the labs' provider, listens on the
// address given, and prints the instructor's URL and passphrase, and the attendees' join URL and code, also as
// a QR code. Ctrl+C stops the hub and every lab; their data is kept, and the next start gives every attendee
// back their lab and session. `npm run workshop -- --end` ends the workshop for good instead (end.ts).
import path from "node:path";
import readline from "node:readline/promises";
import QRCode from "qrcode";
import { buildSiteIfNeeded } from "../build-site.ts";
import { loadConfig, PROJECT_ROOT } from "../config.ts";
import { CliError, DomainError, oneLine } from "../errors.ts";
import { InventoryProvider } from "./provision/inventory.ts";
import { LocalProvider } from "./provision/local.ts";
import { parseWorkshopArgs } from "./args.ts";
import { endWorkshop, workshopContents } from "./end.ts";
import { reportPoolFill } from "./pool-progress.ts";
import { serveHub } from "./serve.ts";

const say = (line: string) => console.log(line);

async function main() {
  const args = parseWorkshopArgs(process.argv.slice(2));
  const config = loadConfig();
  const workshopDir = path.resolve(process.env["LAB_WORKSHOP_DIR"] || path.join(PROJECT_ROOT, ".workshop"));
  if (args.end) return end(workshopDir, args.yes);
  say(`Replication Lab workshop: starting the hub in ${workshopDir}`);
  await buildSiteIfNeeded(config.siteDir, say);
  const provider =
    args.driver.kind === "inventory"
      ? await InventoryProvider.fromFile(args.driver.file)
      : // Each lab as an OS user of its own, from a warm pool (server/workshop/provision/local.ts); their ports in
        // blocks from LAB_WORKSHOP_PORT (56000), clear of the single-user lab's 54321 and docker mode's 55432.
        new LocalProvider({
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
  // Labs a restart gave back are the attendees'; the pool is what new ones get.
  if (args.driver.kind === "local") reportPoolFill(provider, Math.min(args.pool, provider.status().capacityLeft), say);
}

/** Ends the workshop in `workshopDir` for good, after the instructor confirms (or `--yes`). */
async function end(workshopDir: string, yes: boolean): Promise<void> {
  const contents = await workshopContents(workshopDir);
  if (!contents.tag && !contents.hub && contents.labs.length === 0) {
    say(`No workshop in ${workshopDir}: nothing to end.`);
    return;
  }
  say(`Ending the workshop in ${workshopDir} for good removes:`);
  say(`  ${contents.labs.length} lab${contents.labs.length === 1 ? "" : "s"}: every attendee's data, servers stopped`);
  say(`  the hub's database (attendees, sessions, join codes) and its secrets`);
  const users = contents.users;
  say(`  ${users.length} OS user${users.length === 1 ? "" : "s"}: ${users.join(", ") || "none"}`);
  if (!yes && !(await confirmed('Type "end" to go on: '))) {
    say("Nothing removed.");
    process.exitCode = 1;
    return;
  }
  await endWorkshop(workshopDir, (text) => say(`  ${text}`));
  say("The workshop is ended: its labs, its hub's database and its OS users are gone.");
}

/** Whether the answer to `question`, read from the terminal (or whatever stdin is), is "end". */
async function confirmed(question: string): Promise<boolean> {
  const prompt = readline.createInterface({ input: process.stdin, output: process.stdout });
  // Stdin closing unanswered (Ctrl+D, an empty pipe) is a no.
  const closed = new Promise<string>((resolve) => prompt.once("close", () => resolve("")));
  try {
    return (await Promise.race([prompt.question(question), closed])).trim() === "end";
  } finally {
    prompt.close();
  }
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
