// The console's meta-commands. Those that belong to a session (\c, \q, \timing, \p, \r, \echo, \?) are
// here; \x, \g, \gx, \watch and the describe commands are the cells' own (server/psql/meta-command.ts),
// run on the session's connection, with \watch repeating on the server until Ctrl+C.
import { isNodeName, NODE_NAMES } from "../../shared/api-types.ts";
import type { MetaPiece, SqlPiece } from "../psql/split-sql.ts";
import { runMetaPiece } from "../psql/meta-command.ts";
import { HELP } from "./help.ts";
import type { PsqlSession } from "./psql-session.ts";
import { NOT_CONNECTED, watchTitle } from "../psql/print.ts";

const BUFFER_COMMANDS = new Set(["g", "gx", "watch"]);

export async function runConsoleMeta(psql: PsqlSession, piece: MetaPiece): Promise<"quit" | undefined> {
  const [argument] = piece.args;
  switch (piece.command) {
    case "q":
    case "quit":
      return "quit";
    case "?":
      psql.write(HELP);
      return;
    case "c":
    case "connect":
      return connect(psql, argument);
    case "timing": {
      const setting = toggle(argument, psql.timing);
      if (setting === undefined) psql.write(`unrecognized value "${argument}" for "\\timing": Boolean expected\n`);
      else psql.write(`Timing is ${(psql.timing = setting) ? "on" : "off"}.\n`);
      return;
    }
    case "r":
    case "reset":
      psql.resetBuffer();
      psql.write("Query buffer reset (cleared).\n");
      return;
    case "p":
    case "print":
      psql.write(`${psql.buffer || psql.previous || "Query buffer is empty."}\n`);
      return;
    case "echo":
      psql.write(`${piece.args.join(" ")}\n`);
      return;
  }
  const connection = psql.connection;
  if (!connection) return void psql.write(NOT_CONNECTED);
  // \g and \watch with an empty query buffer run the previous query again, as in psql.
  let buffer: SqlPiece | null = piece.buffer;
  if (!buffer && BUFFER_COMMANDS.has(piece.command) && psql.previous) {
    buffer = { kind: "sql", text: psql.previous, start: piece.start, end: piece.start };
  }
  if (buffer) psql.previous = buffer.text;
  const outcome = await runMetaPiece(
    connection.client,
    { ...piece, buffer },
    psql.display,
    psql.runOptions(),
    psql.run,
  );
  const watch = "results" in outcome ? outcome.results.at(-1)?.watch : undefined;
  if (!watch) return void (await psql.show(outcome));
  // psql's \watch: the result under a title with the time, again every N seconds until Ctrl+C or an error.
  await psql.show(outcome, watchTitle(new Date(), watch.seconds));
  const query: SqlPiece = { kind: "sql", text: watch.sql, start: 0, end: watch.sql.length };
  while (await psql.activity?.sleep(watch.seconds * 1000)) {
    const client = psql.connection?.client;
    if (!client) return;
    const next = await psql.run(client, query, psql.runOptions());
    await psql.show(next, watchTitle(new Date(), watch.seconds));
    if ("error" in next) return;
  }
  return;
}

/** \c NODE: the lab's nodes stand for psql's host and port; \c alone connects to the same node again. */
async function connect(psql: PsqlSession, argument: string | undefined): Promise<undefined> {
  const node =
    argument === undefined || argument === "-" || argument === psql.connection?.database ? psql.node : argument;
  if (!isNodeName(node)) {
    psql.write(`\\connect: there is no node "${node}" in the lab; its nodes are ${NODE_NAMES.join(", ")}\n`);
    if (psql.connection) psql.write("Previous connection kept\n");
    return;
  }
  if (await psql.connect(node)) {
    const { database, user } = psql.connection!;
    psql.write(`You are now connected to database "${database}" as user "${user}" on node "${node}".\n`);
  }
  return;
}

/** psql's boolean values for \timing; no value flips the setting. */
function toggle(value: string | undefined, current: boolean): boolean | undefined {
  if (value === undefined) return !current;
  const word = value.toLowerCase();
  if (["on", "true", "yes", "1"].includes(word)) return true;
  if (["off", "false", "no", "0"].includes(word)) return false;
  return undefined;
}
