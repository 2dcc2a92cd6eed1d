// One error model for the server. HttpError carries a status and a sentence a person can act on; LabError is
// a failure of the lab itself (a node that can't start, a folder postgres can't reach), shown to the user as
// is; CliError ends the command line with an exit code and a sentence, never a stack trace.

export class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export class LabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LabError";
  }
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/**
 * An unexpected failure as one line for the terminal: its name and message, never a stack trace (a request
 * must not be able to fill the terminal, and the trace tells a learner nothing they can act on).
 */
export function oneLine(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.replace(/\s*\n\s*/g, " ");
  return String(error).replace(/\s*\n\s*/g, " ");
}
