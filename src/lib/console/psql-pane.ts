// One psql terminal in the page: xterm.js showing a console session on one node, with the prompt and the
// line being edited drawn by this pane. Loaded only when a terminal is opened, with xterm itself.
import type { Terminal } from "@xterm/xterm";
import type { NodeName } from "../../../shared/api-types.ts";
import { ConsoleSocket, type ConsoleAddress } from "./console-socket.ts";
import { History } from "./history.ts";
import { parseKeys, type Key } from "./keys.ts";
import { LineEditor } from "./line-editor.ts";
import { drawLine, eraseLine } from "./line-view.ts";
import { renderPrompt } from "./prompt.ts";
import type { PromptState, ServerMessage } from "../../../shared/console-protocol.ts";
import { openScreen, screenText, type Screen } from "./xterm-setup.ts";

/** connecting: no session yet; ready: a prompt waits for a line; busy: a line runs; ended: \q. */
export type PaneState = "connecting" | "ready" | "busy" | "ended";

export interface PaneStatus {
  node: NodeName;
  state: PaneState;
  prompt: PromptState | null;
}

export class PsqlPane {
  private readonly screen: Screen;
  private readonly socket: ConsoleSocket;
  private readonly editor = new LineEditor();
  private readonly history = new History(globalThis.localStorage ?? null);
  private readonly resize: ResizeObserver;
  private state: PaneState = "connecting";
  private prompt: PromptState | null = null;
  /** Rows from the prompt's first row down to the cursor, while a prompt is shown. */
  private cursorRow = 0;
  private atLineStart = true;
  /** The learner has been told that the connection dropped; retries don't say it again. */
  private toldDropped = false;
  /** Keys typed while a line ran, kept for the next prompt as a terminal keeps them. */
  private typedAhead: Key[] = [];
  /** What this terminal had typed when another terminal's line came in (a shared session); back at the next prompt. */
  private heldLine = "";
  /** Enter starts a new session after \q; not after leaving a shared one. */
  private restartable = true;
  /** Told how many other terminals share this session, when it is shared (a help session's banner). */
  onGuests: ((count: number) => void) | undefined;

  constructor(
    host: HTMLElement,
    private node: NodeName,
    address: ConsoleAddress,
    private readonly onStatus: (status: PaneStatus) => void,
    fontSize = 13,
  ) {
    this.screen = openScreen(host, fontSize);
    this.resize = new ResizeObserver(() => this.screen.fit());
    this.resize.observe(host);
    this.terminal.onData((data) => this.handle(parseKeys(data)));
    this.socket = new ConsoleSocket(() => address(this.node), {
      message: (message) => this.receive(message),
      dropped: (retryMs) => this.dropped(retryMs),
      left: (reason) => this.left(reason),
    });
    this.socket.connect();
    this.report();
  }

  private get terminal(): Terminal {
    return this.screen.terminal;
  }

  focus(): void {
    this.terminal.focus();
  }

  /** The tabs' way to switch node: `\c NODE`, typed for the learner so that they see how. */
  connectTo(node: NodeName): void {
    if (this.state !== "ready" || node === this.node) return;
    this.editor.set(`\\c ${node}`);
    this.handle([{ kind: "enter" }]);
  }

  /** Everything in the terminal's buffer, scrollback included, one line per row: for tests and people. */
  screenText(): string {
    return screenText(this.terminal);
  }

  /** How many rows of the buffer continue the row above: lines the terminal wrapped for want of columns. */
  wrappedRows(): number {
    const buffer = this.terminal.buffer.active;
    let wrapped = 0;
    for (let i = 0; i < buffer.length; i++) if (buffer.getLine(i)?.isWrapped) wrapped++;
    return wrapped;
  }

  dispose(): void {
    this.socket.close();
    this.resize.disconnect();
    this.terminal.dispose();
  }

  private receive(message: ServerMessage): void {
    if (message.type === "output") return this.print(message.text);
    if (message.type === "echo") return this.echo(message.text);
    if (message.type === "guests") return void this.onGuests?.(message.count);
    if (message.type === "bye") {
      this.state = "ended";
      this.print("Session ended. Press Enter to start a new one.\n");
      return this.report();
    }
    this.prompt = message.prompt;
    this.node = message.prompt.node;
    this.toldDropped = false;
    this.state = "ready";
    if (!this.atLineStart) this.write("\n");
    this.cursorRow = 0;
    if (this.heldLine !== "") this.editor.set(this.heldLine);
    this.heldLine = "";
    this.draw();
    this.report();
    this.handle(this.typedAhead.splice(0));
  }

  /** A line another terminal of this shared session sent: shown after the prompt, as if typed here. */
  private echo(text: string): void {
    if (this.state !== "ready") return this.print(`${text}\n`);
    this.heldLine = this.editor.text;
    this.editor.set(text);
    this.draw();
    this.write("\n");
    this.editor.take();
    this.state = "busy";
    this.report();
  }

  /** Attached to a shared session that ended: no new one starts from here (the help is over). */
  private left(reason: string): void {
    this.state = "ended";
    this.prompt = null;
    this.print(`\n[${reason || "The session ended."}]\n`);
    this.restartable = false;
    this.report();
  }

  private dropped(retryMs: number): void {
    this.state = "connecting";
    this.prompt = null;
    if (!this.toldDropped) {
      this.print(
        `\n[No connection to the lab: is npm start still running? If it was restarted, reload the page. ` +
          `Trying again in ${Math.round(retryMs / 1000)} s.]\n`,
      );
    }
    this.toldDropped = true;
    this.report();
  }

  /** Output goes above the prompt: the prompt and the line being typed are drawn again under it. */
  private print(text: string): void {
    if (this.state === "ready") this.write(eraseLine(this.cursorRow));
    this.write(text);
    if (this.state === "ready") {
      this.cursorRow = 0;
      this.draw();
    }
  }

  private handle(keys: Key[]): void {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (this.state === "ended") {
        if (key.kind === "enter" && this.restartable) this.restart();
        continue;
      }
      if (this.state !== "ready") {
        // While a line runs, Ctrl+C cancels it and drops what was typed ahead; other keys wait their turn.
        if (key.kind === "interrupt") this.interrupt();
        else this.typedAhead.push(key);
        continue;
      }
      this.edit(key);
    }
  }

  private edit(key: Key): void {
    if (key.kind === "enter") return this.submit(this.editor.text);
    if (key.kind === "interrupt") return this.interrupt();
    if (key.kind === "eof" && this.editor.text === "") return this.submit("\\q");
    if (key.kind === "clear-screen") {
      this.write("\x1b[H\x1b[2J\x1b[3J");
      this.cursorRow = 0;
    } else {
      this.editor.apply(key, this.history.entries(this.node));
    }
    this.draw();
  }

  private submit(text: string): void {
    this.editor.set(text);
    this.draw();
    this.write("\n");
    this.editor.take();
    this.history.add(this.node, text);
    // The terminal's width goes with each line: under \x auto, psql's output is expanded when wider than this.
    if (!this.socket.send({ type: "line", text, columns: this.terminal.cols }))
      return this.print("[Not connected to the lab: the line was not sent.]\n");
    this.state = "busy";
    this.report();
  }

  /** Ctrl+C, echoed as a terminal does; the session answers with a fresh prompt. */
  private interrupt(): void {
    this.typedAhead.length = 0;
    if (this.state === "ready") {
      this.editor.end();
      this.draw();
      this.editor.take();
      this.write("^C\n");
    } else {
      this.write("^C");
    }
    if (this.socket.send({ type: "cancel" })) this.state = "busy";
    this.report();
  }

  private restart(): void {
    this.state = "connecting";
    this.write("\n");
    this.socket.connect();
    this.report();
  }

  private draw(): void {
    if (!this.prompt) return;
    const drawn = drawLine(
      this.cursorRow,
      renderPrompt(this.prompt),
      this.editor.text,
      this.editor.beforeCursor,
      this.terminal.cols,
    );
    this.terminal.write(drawn.output);
    this.cursorRow = drawn.cursorRow;
    this.atLineStart = false;
  }

  private write(text: string): void {
    if (text === "") return;
    this.terminal.write(text);
    this.atLineStart = text.endsWith("\n");
  }

  private report(): void {
    this.onStatus({ node: this.node, state: this.state, prompt: this.prompt });
  }
}
