// psql's describe meta-commands, run on the bridge's connection: the same catalog queries psql 18's
// describe.c runs for the connected server's version, giving the same titles, columns, rows and footers.
// server/psql/format.ts prints each output as psql would.
import type pg from "pg";
import { MetaError } from "./errors.ts";
import { describeRelations } from "./describe-table.ts";
import { describePublications, listPublications } from "./publications.ts";
import { listRelations } from "./relations.ts";
import { openSession, type MetaOutput, type Session } from "./session.ts";
import { describeSubscriptions } from "./subscriptions.ts";

export { MetaError } from "./errors.ts";
export type { MetaOutput } from "./session.ts";

export interface MetaCommand {
  /** The command without its backslash, e.g. `dRp+`. */
  command: string;
  args: string[];
}

const SUPPORTED = "\\d, \\d NAME, \\dt, \\di, \\dv, \\dm, \\ds, \\dE, \\dRp and \\dRs, with + for more detail";

/**
 * One output per table psql would print: \dRp+ and \d NAME print one per matching object. Throws MetaError
 * with psql's message for what psql would refuse, and for psql commands the lab does not run.
 */
export async function runMeta(client: pg.ClientBase, meta: MetaCommand): Promise<MetaOutput[]> {
  const describe = route(meta.command);
  const outputs = await describe(await openSession(client), meta.args[0]);
  // psql 18's `x` option (\dtx, \dRp+x) shows one list in expanded mode; \d NAME still refuses it.
  if (!forcesExpanded(meta.command)) return outputs;
  return outputs.map((output) => (output.expanded === false ? output : { ...output, expanded: true }));
}

type Describe = (session: Session, pattern: string | undefined) => Promise<MetaOutput[]>;

function route(command: string): Describe {
  const verbose = command.includes("+");
  if (!command.startsWith("d")) {
    if (PSQL_COMMANDS.has(command) || PSQL_COMMANDS.has(command.replace(/[+x]+$/, ""))) throw unsupported(command);
    throw invalid(command);
  }
  const kind = command[1] ?? "";
  if (kind === "" || kind === "+" || kind === "S") {
    return (session, pattern) =>
      pattern === undefined
        ? listRelations(session, command.slice(1), undefined)
        : describeRelations(session, pattern, verbose);
  }
  if ("tivmsE".includes(kind)) return (session, pattern) => listRelations(session, command.slice(1), pattern);
  if (kind === "R") {
    if (command[2] === "p") return verbose ? describePublications : listPublications;
    if (command[2] === "s") return (session, pattern) => describeSubscriptions(session, pattern, verbose);
    throw invalid(command);
  }
  // The other \d commands psql has: \da, \df, \dn, \du, \dx and the rest.
  if ("AabcCdDfFgLlnoOpPTuexXyr".includes(kind)) throw unsupported(command);
  throw invalid(command);
}

/** psql 18 reads an `x` in a \d command as "expanded", except right after the d, where \dx means extensions. */
function forcesExpanded(command: string): boolean {
  return command.startsWith("d") && command.slice(2).includes("x");
}

function invalid(command: string): MetaError {
  return new MetaError(`invalid command \\${command}`, "Try \\? for help.");
}

function unsupported(command: string): MetaError {
  return new MetaError(`\\${command} is a psql command that the lab does not run.`, `The lab runs ${SUPPORTED}.`);
}

/** psql 18's other backslash commands (\? lists them), so that they are not called invalid. */
const PSQL_COMMANDS = new Set([
  "!",
  "?",
  "a",
  "bind",
  "bind_named",
  "c",
  "C",
  "cd",
  "close_prepared",
  "connect",
  "conninfo",
  "copy",
  "copyright",
  "crosstabview",
  "e",
  "echo",
  "edit",
  "ef",
  "elif",
  "else",
  "encoding",
  "endif",
  "endpipeline",
  "errverbose",
  "ev",
  "f",
  "flush",
  "flushrequest",
  "g",
  "gdesc",
  "getenv",
  "getresults",
  "gexec",
  "gset",
  "gx",
  "h",
  "H",
  "help",
  "html",
  "i",
  "if",
  "include",
  "include_relative",
  "ir",
  "l",
  "list",
  "lo_export",
  "lo_import",
  "lo_list",
  "lo_unlink",
  "o",
  "out",
  "p",
  "parse",
  "password",
  "print",
  "prompt",
  "pset",
  "q",
  "qecho",
  "quit",
  "r",
  "reset",
  "restrict",
  "s",
  "sendpipeline",
  "set",
  "setenv",
  "sf",
  "startpipeline",
  "sv",
  "syncpipeline",
  "t",
  "T",
  "timing",
  "unrestrict",
  "unset",
  "w",
  "warn",
  "watch",
  "write",
  "x",
  "z",
]);
