// What npm start prints while it starts: lines that stay, and, on a terminal, a few lines at the bottom that
// update in place (the site build's phase under way, the nodes still starting). Written to a log or a pipe
// (CI), the updating lines are not drawn at all: each phase and node says one line when it is done, so the log
// reads the same, without a flood.
import type { Writable } from "node:stream";

export interface StartOutput {
  /** A line that stays. */
  line(text: string): void;
  /** Shows `text` as the updating line `key` (on a terminal only); undefined removes it. */
  live(key: string, text: string | undefined): void;
  /** Whether updating lines are drawn: a terminal, not a pipe or a file. */
  readonly interactive: boolean;
}

type TerminalStream = Writable & { isTTY?: boolean; columns?: number };

export function startOutput(stream: TerminalStream = process.stdout): StartOutput {
  const interactive = stream.isTTY === true;
  const lines = new Map<string, string>();
  let drawn = 0;
  // A line wider than the terminal wraps onto two, and moving up by the count of lines drawn would then miss
  // one: each updating line is cut to the width.
  const fit = (text: string) => text.slice(0, Math.max(20, (stream.columns || 80) - 1));
  const erase = () => {
    // To the start of the first updating line, then clear everything below it.
    if (drawn > 0) stream.write(`\x1b[${drawn}F\x1b[J`);
    drawn = 0;
  };
  const draw = () => {
    for (const text of lines.values()) stream.write(`${fit(text)}\n`);
    drawn = lines.size;
  };
  return {
    interactive,
    line(text) {
      if (!interactive) return void stream.write(`${text}\n`);
      erase();
      stream.write(`${text}\n`);
      draw();
    },
    live(key, text) {
      if (!interactive) return;
      if (text === undefined) lines.delete(key);
      else lines.set(key, text);
      erase();
      draw();
    },
  };
}
