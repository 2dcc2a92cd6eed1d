// The line being typed at the prompt, readline-style: a cursor that moves by character and by word,
// deletions either side of it, and Up/Down through earlier lines. Pure: the pane draws it.
import type { Key } from "./keys.ts";

const isWordChar = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}_]/u.test(char);

export class LineEditor {
  /** Code points, so that the cursor never splits a character. */
  private chars: string[] = [];
  cursor = 0;
  /** How far back Up has gone: 0 is the line being typed. */
  private recalled = 0;
  private draft: string[] = [];

  get text(): string {
    return this.chars.join("");
  }

  get beforeCursor(): string {
    return this.chars.slice(0, this.cursor).join("");
  }

  /**
   * Applies an editing key, given the history for Up and Down (oldest first). Enter, Ctrl+C and Ctrl+L are
   * the pane's; Ctrl+D deletes forward here, the pane having taken it as \q on an empty line.
   */
  apply(key: Key, history: readonly string[]): void {
    switch (key.kind) {
      case "text":
        return this.insert(key.text);
      case "backspace":
        return this.backspace();
      case "delete":
      case "eof":
        return this.deleteForward();
      case "left":
        return this.left();
      case "right":
        return this.right();
      case "word-left":
        return this.wordLeft();
      case "word-right":
        return this.wordRight();
      case "home":
        return this.home();
      case "end":
        return this.end();
      case "up":
        return this.older(history);
      case "down":
        return this.newer(history);
      case "kill-before":
        return this.killBefore();
      case "kill-after":
        return this.killAfter();
      case "kill-word":
        return this.killWord();
    }
  }

  /** Empties the line and returns what it held, as Enter does. */
  take(): string {
    const text = this.text;
    this.set("");
    this.recalled = 0;
    return text;
  }

  set(text: string): void {
    this.chars = Array.from(text);
    this.cursor = this.chars.length;
  }

  insert(text: string): void {
    const added = Array.from(text);
    this.chars.splice(this.cursor, 0, ...added);
    this.cursor += added.length;
  }

  backspace(): void {
    if (this.cursor === 0) return;
    this.chars.splice(--this.cursor, 1);
  }

  deleteForward(): void {
    this.chars.splice(this.cursor, 1);
  }

  left(): void {
    this.cursor = Math.max(0, this.cursor - 1);
  }

  right(): void {
    this.cursor = Math.min(this.chars.length, this.cursor + 1);
  }

  home(): void {
    this.cursor = 0;
  }

  end(): void {
    this.cursor = this.chars.length;
  }

  wordLeft(): void {
    while (this.cursor > 0 && !isWordChar(this.chars[this.cursor - 1])) this.cursor--;
    while (this.cursor > 0 && isWordChar(this.chars[this.cursor - 1])) this.cursor--;
  }

  wordRight(): void {
    const length = this.chars.length;
    while (this.cursor < length && !isWordChar(this.chars[this.cursor])) this.cursor++;
    while (this.cursor < length && isWordChar(this.chars[this.cursor])) this.cursor++;
  }

  killBefore(): void {
    this.chars.splice(0, this.cursor);
    this.cursor = 0;
  }

  killAfter(): void {
    this.chars.length = this.cursor;
  }

  /** Ctrl+W: the word before the cursor, and the spaces after it. */
  killWord(): void {
    let start = this.cursor;
    while (start > 0 && this.chars[start - 1] === " ") start--;
    while (start > 0 && this.chars[start - 1] !== " ") start--;
    this.chars.splice(start, this.cursor - start);
    this.cursor = start;
  }

  /** Up: the line before the one shown, from `history` (oldest first). */
  older(history: readonly string[]): void {
    if (this.recalled >= history.length) return;
    if (this.recalled === 0) this.draft = [...this.chars];
    this.recalled++;
    this.set(history[history.length - this.recalled] ?? "");
  }

  /** Down: back towards the line that was being typed. */
  newer(history: readonly string[]): void {
    if (this.recalled === 0) return;
    this.recalled--;
    if (this.recalled === 0) {
      this.chars = [...this.draft];
      this.cursor = this.chars.length;
    } else {
      this.set(history[history.length - this.recalled] ?? "");
    }
  }
}
