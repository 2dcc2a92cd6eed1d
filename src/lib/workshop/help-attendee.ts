// Help in the console (issue 14), the attendee's side: when the instructor asks to join their console, a dialog
// asks "Accept / Decline"; on Accept a help terminal opens in a panel (a console session the hub shares with the
// instructor's terminal), under a banner that says whether the instructor is connected, with "End help". Loaded
// by entry.ts on workshop pages only.
import type { HelpState } from "../../../shared/room/feed.ts";
import { labConsole } from "../console/console-socket.ts";
import type { PaneStatus, PsqlPane } from "../console/psql-pane.ts";
import { labToken } from "../lab-client.ts";
import { onRoomFeed } from "./room-feed.ts";
import helpCss from "./help-attendee.css?inline";

const DIALOG = `
  <h2 id="help-dialog-title" class="help-dialog__title">The instructor asks to join your console</h2>
  <p>If you accept, a terminal opens on this page. The instructor sees it and can type in it with you, until
  you or they end the help.</p>
  <p class="help-dialog__said" role="status"></p>
  <div class="help-dialog__buttons">
    <button type="button" class="help-dialog__accept">Accept</button>
    <button type="button" class="help-dialog__decline">Decline</button>
  </div>`;

const PANEL = `
  <div class="help-banner" role="status">
    <span class="help-banner__text">Waiting for the instructor to connect…</span>
    <span class="help-banner__actions">
      <span aria-hidden="true">·</span>
      <button type="button" class="help-banner__end">End help</button>
    </span>
  </div>
  <div class="help-panel__screen"></div>`;

/** Calls the hub as the attendee's page: the CSRF token as the Bearer token, as every state change carries it. */
async function post(path: string, body?: unknown): Promise<{ state: HelpState["state"] }> {
  const response = await fetch(path, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${labToken() ?? ""}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.error?.message ?? `The workshop answered ${response.status}.`);
  return data;
}

class HelpUi {
  private dialog: HTMLDialogElement | null = null;
  private panel: HTMLElement | null = null;
  private pane: PsqlPane | null = null;
  /** The request the dialog asks about, or the panel serves. */
  private asking: string | null = null;
  private helping: string | null = null;

  update(message: HelpState): void {
    if (message.state === "asked") return this.ask(message.requestId);
    if (message.requestId === this.asking) this.closeDialog();
    if (message.state === "ended" && message.requestId === this.helping) this.closePanel();
  }

  private ask(requestId: string): void {
    if (this.helping !== null) return;
    this.asking = requestId;
    const dialog = this.dialogElement();
    dialog.querySelector(".help-dialog__said")!.textContent = "";
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLButtonElement>(".help-dialog__accept")!.focus();
  }

  private dialogElement(): HTMLDialogElement {
    if (this.dialog) return this.dialog;
    const dialog = document.createElement("dialog");
    dialog.className = "help-dialog";
    dialog.setAttribute("aria-labelledby", "help-dialog-title");
    dialog.innerHTML = DIALOG;
    dialog.querySelector(".help-dialog__accept")!.addEventListener("click", () => void this.answer(true));
    dialog.querySelector(".help-dialog__decline")!.addEventListener("click", () => void this.answer(false));
    // Escape declines: the attendee dismissed the question.
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      void this.answer(false);
    });
    document.body.append(dialog);
    this.dialog = dialog;
    return dialog;
  }

  private async answer(accept: boolean): Promise<void> {
    const requestId = this.asking;
    if (requestId === null) return;
    const buttons = [...this.dialog!.querySelectorAll("button")];
    for (const button of buttons) button.disabled = true;
    try {
      const answered = await post(`/workshop/help/${encodeURIComponent(requestId)}`, { accept });
      this.closeDialog();
      if (answered.state === "accepted") await this.openPanel(requestId);
    } catch (error) {
      this.dialog!.querySelector(".help-dialog__said")!.textContent = (error as Error).message;
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  }

  private closeDialog(): void {
    this.asking = null;
    if (this.dialog?.open) this.dialog.close();
  }

  private async openPanel(requestId: string): Promise<void> {
    const token = labToken();
    if (!token) return;
    this.helping = requestId;
    const panel = document.createElement("section");
    panel.className = "help-panel";
    panel.setAttribute("aria-label", "Help in the console");
    panel.innerHTML = PANEL;
    panel.querySelector(".help-banner__end")!.addEventListener("click", () => void this.end(requestId));
    document.body.append(panel);
    this.panel = panel;
    const { PsqlPane } = await import("../console/psql-pane.ts");
    if (this.helping !== requestId) return;
    const screen = panel.querySelector<HTMLElement>(".help-panel__screen")!;
    let connected = false;
    const status = (state: PaneStatus["state"]) => {
      if (state === "ready") connected = true;
      // Dropped after it was up: the hub may have restarted, which ends every help request (they live in its
      // memory), and then refuses this terminal each time it tries again. Asked, the hub says whether it is over.
      else if (state === "connecting" && connected) void this.checkStillOpen(requestId);
    };
    this.pane = new PsqlPane(screen, "master", labConsole(token, requestId), ({ state }) => status(state), 13);
    this.pane.onGuests = (count) => {
      panel.dataset["connected"] = String(count > 0);
      panel.querySelector(".help-banner__text")!.textContent =
        count > 0 ? "The instructor is connected to this terminal" : "Waiting for the instructor to connect…";
    };
    this.pane.focus();
  }

  private async end(requestId: string): Promise<void> {
    try {
      await post(`/workshop/help/${encodeURIComponent(requestId)}/end`);
    } catch {
      // Ended already (by the instructor, or by this terminal closing): the panel goes all the same.
    }
    this.closePanel();
  }

  /** Ends the panel with a word when the hub no longer has this help open (it restarted, or it ended there). */
  private async checkStillOpen(requestId: string): Promise<void> {
    const answer = await fetch("/workshop/me/help")
      .then((response) => (response.ok ? (response.json() as Promise<{ request: OpenRequest | null }>) : null))
      .catch(() => null);
    // No answer: the hub is still away, and the terminal's next attempt asks again.
    if (!answer || this.helping !== requestId) return;
    if (answer.request?.requestId === requestId && answer.request.state === "accepted") return;
    this.pane?.dispose();
    this.pane = null;
    this.helping = null;
    const panel = this.panel!;
    panel.dataset["ended"] = "true";
    panel.dataset["connected"] = "false";
    panel.querySelector(".help-banner__text")!.textContent =
      "This help has ended: the workshop's hub no longer has it (a restart of the hub ends every help). " +
      "The instructor can ask to join again.";
    // Only the banner stays: the terminal has nothing more to show.
    panel.querySelector(".help-panel__screen")!.remove();
    panel.querySelector(".help-banner__actions > [aria-hidden]")?.remove();
    const close = panel.querySelector<HTMLButtonElement>(".help-banner__end")!;
    close.textContent = "Close";
    close.replaceWith(close.cloneNode(true));
    panel.querySelector(".help-banner__end")!.addEventListener("click", () => this.closePanel());
  }

  private closePanel(): void {
    this.helping = null;
    this.pane?.dispose();
    this.pane = null;
    this.panel?.remove();
    this.panel = null;
  }
}

/** The attendee's open request, as GET /workshop/me/help gives it. */
interface OpenRequest {
  requestId: string;
  attendeeId: string;
  state: HelpState["state"];
}

/** Listens for the instructor's requests on the page's feed, and asks about one already open. */
export function startHelp(): void {
  // Without the attendee's token (the instructor's own pages), there is no console to share and no feed to read.
  if (!labToken()) return;
  const style = document.createElement("style");
  style.textContent = helpCss;
  document.head.append(style);
  const ui = new HelpUi();
  onRoomFeed("help", (message) => ui.update(message));
  void fetch("/workshop/me/help")
    .then((response) => (response.ok ? response.json() : null))
    .then((answer: { request: OpenRequest | null } | null) => {
      const request = answer?.request;
      if (request?.state === "asked") ui.update({ type: "help", ...request });
    })
    .catch(() => {});
}
