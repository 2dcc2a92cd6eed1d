// xterm.js as the console uses it: its stylesheet, a dark theme, the system's monospace font, and a fit
// to the pane's size. Imported only by psql-pane.ts, in the chunk a terminal loads when it is opened.
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import xtermCss from "@xterm/xterm/css/xterm.css?inline";

const FONT = "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";

export interface Screen {
  terminal: Terminal;
  /** Fits the terminal's rows and columns to its pane. */
  fit(): void;
}

export function openScreen(host: HTMLElement, fontSize: number): Screen {
  addStyle();
  const terminal = new Terminal({
    // psql's output ends lines with \n alone.
    convertEol: true,
    cursorBlink: true,
    fontFamily: FONT,
    fontSize,
    scrollback: 5000,
    theme: { background: "#15171c", foreground: "#e4e4e4", cursor: "#f5c451", selectionBackground: "#3a4150" },
  });
  // The console's psql completes nothing, so Tab and Shift+Tab leave the terminal as they leave any field: xterm
  // would take them as keys, and the keyboard alone could never get out (WCAG 2.1.2, no keyboard trap). A key the
  // handler refuses is left to the browser, which moves the focus.
  terminal.attachCustomKeyEventHandler(
    (event) => !(event.key === "Tab" && !event.ctrlKey && !event.altKey && !event.metaKey),
  );
  const fitAddon = new FitAddon();
  terminal.loadAddon(fitAddon);
  terminal.open(host);
  const fit = () => {
    // A pane that is hidden has no size to fit to.
    if (terminal.element?.offsetParent !== null) fitAddon.fit();
  };
  fit();
  return { terminal, fit };
}

/** Every row of the terminal's buffer, scrollback included. */
export function screenText(terminal: Terminal): string {
  const buffer = terminal.buffer.active;
  const rows: string[] = [];
  for (let i = 0; i < buffer.length; i++) rows.push(buffer.getLine(i)?.translateToString(true) ?? "");
  return rows.join("\n").replace(/\n+$/, "");
}

let styled = false;

/** xterm's stylesheet arrives with xterm, so that neither weighs on pages where no terminal is opened. */
function addStyle(): void {
  if (styled) return;
  styled = true;
  const style = document.createElement("style");
  style.textContent = xtermCss;
  document.head.append(style);
}
