// What the learner typed, from the bytes xterm hands over: printable text, and the keys a readline-style
// line editor knows (arrows, Home/End, Ctrl+A/E/U/K/W, Ctrl+C/D/L), as xterm encodes them.

type KeyName =
  | "enter"
  | "backspace"
  | "delete"
  | "left"
  | "right"
  | "word-left"
  | "word-right"
  | "home"
  | "end"
  | "up"
  | "down"
  | "kill-before"
  | "kill-after"
  | "kill-word"
  | "interrupt"
  | "eof"
  | "clear-screen";

export type Key = { kind: "text"; text: string } | { kind: KeyName };

const CONTROL: Record<string, KeyName> = {
  "\r": "enter",
  "\n": "enter",
  "\x7f": "backspace",
  "\b": "backspace",
  "\x01": "home",
  "\x05": "end",
  "\x02": "left",
  "\x06": "right",
  "\x10": "up",
  "\x0e": "down",
  "\x15": "kill-before",
  "\x0b": "kill-after",
  "\x17": "kill-word",
  "\x03": "interrupt",
  "\x04": "eof",
  "\x0c": "clear-screen",
};

/** CSI and SS3 sequences by their parameters and final byte: `[A`, `OA`, `[1;5C`, `[3~`. */
const SEQUENCES: Record<string, KeyName> = {
  A: "up",
  B: "down",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
  "1~": "home",
  "7~": "home",
  "4~": "end",
  "8~": "end",
  "3~": "delete",
  "1;5C": "word-right",
  "1;5D": "word-left",
  "1;3C": "word-right",
  "1;3D": "word-left",
};

/** Alt+key, which xterm sends as ESC and the key. */
const META: Record<string, KeyName> = { b: "word-left", f: "word-right", "\x7f": "kill-word", d: "kill-after" };

export function parseKeys(data: string): Key[] {
  const keys: Key[] = [];
  let text = "";
  const flush = () => {
    if (text) keys.push({ kind: "text", text });
    text = "";
  };
  let i = 0;
  while (i < data.length) {
    const c = data[i]!;
    if (c === "\x1b") {
      flush();
      const sequence = /^\x1b(?:\[([0-9;]*)([@-~])|O([@-~])|([^[O]))?/.exec(data.slice(i))!;
      const name =
        sequence[4] !== undefined
          ? META[sequence[4]]
          : SEQUENCES[(sequence[1] ?? "") + (sequence[2] ?? sequence[3] ?? "")];
      if (name) keys.push({ kind: name });
      i += Math.max(1, sequence[0].length);
    } else if (c in CONTROL) {
      flush();
      keys.push({ kind: CONTROL[c]! });
      // A pasted line ends in \r\n or \n; one Enter either way.
      i += c === "\r" && data[i + 1] === "\n" ? 2 : 1;
    } else if (c === "\t") {
      // No completion here; a pasted tab is a space to SQL.
      text += " ";
      i++;
    } else if (c < " ") {
      i++;
    } else {
      text += c;
      i++;
    }
  }
  flush();
  return keys;
}
