// Workshop mode in the status panel: whose lab it is ("Workshop · lab 007", "Joined as Ada"), and "Use on
// another device", which shows the attendee's personal rejoin link with a Copy button and a QR code. The link is
// a credential, so it travels in no lab status and no page: it is asked of the hub (GET /workshop/me, the session
// cookie) only when the attendee opens the box.
import type { WorkshopLab } from "../../shared/api-types.ts";

/** How the panel names a workshop lab: "lab 007", or an inventory lab's own id when it says "lab" already. */
export function labLabel(labId: string): string {
  return /^lab(\b|[-_]|\d)/i.test(labId) ? labId : `lab ${labId}`;
}

/** The panel's mode for a workshop lab, where single-user mode says "embedded". */
export function workshopModeLabel(lab: WorkshopLab): string {
  return `Workshop · ${labLabel(lab.labId)}`;
}

export class RejoinBox {
  private readonly owner: HTMLElement;
  private readonly box: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly input: HTMLInputElement;
  private readonly said: HTMLElement;
  private readonly qr: HTMLImageElement;
  private loaded = false;

  constructor(root: HTMLElement) {
    this.owner = root.querySelector<HTMLElement>(".lab-status__owner")!;
    this.box = root.querySelector<HTMLElement>(".lab-rejoin")!;
    this.toggle = root.querySelector<HTMLButtonElement>(".lab-status__device")!;
    this.input = this.box.querySelector("input")!;
    this.said = this.box.querySelector<HTMLElement>(".lab-rejoin__said")!;
    this.qr = this.box.querySelector<HTMLImageElement>(".lab-rejoin__qr")!;
    this.toggle.addEventListener("click", () => void this.setOpen(this.box.hidden));
    this.box.querySelector(".lab-rejoin__copy")!.addEventListener("click", () => void this.copy());
    this.input.addEventListener("focus", () => this.input.select());
  }

  /** Shows whose lab this is, or nothing at all when it is not a workshop's. */
  show(lab: WorkshopLab | undefined): void {
    this.owner.hidden = !lab;
    if (lab) {
      this.owner.querySelector('[data-role="name"]')!.textContent = lab.name;
      // A long name is cut short in the sidebar; the whole of it shows on hover.
      this.owner.querySelector<HTMLElement>(".lab-status__who")!.title = `Joined as ${lab.name}`;
    } else if (!this.box.hidden) void this.setOpen(false);
  }

  private async setOpen(open: boolean): Promise<void> {
    this.box.hidden = !open;
    this.toggle.setAttribute("aria-expanded", String(open));
    if (open && !this.loaded) await this.load();
  }

  private async load(): Promise<void> {
    this.said.textContent = "…";
    try {
      const response = await fetch("/workshop/me", { credentials: "same-origin" });
      const me = (await response.json().catch(() => null)) as { rejoin?: string; error?: { message?: string } } | null;
      if (!response.ok || !me?.rejoin) throw new Error(me?.error?.message ?? `The hub answered ${response.status}.`);
      this.input.value = me.rejoin;
      // Cache-busting is not needed: the hub answers it with no-store, and the link never changes.
      this.qr.src = "/workshop/me/rejoin.svg";
      this.qr.hidden = false;
      this.said.textContent = "";
      this.loaded = true;
    } catch (error) {
      this.said.textContent = `✗ ${(error as Error).message}`;
    }
  }

  /**
   * The Clipboard API exists only on secure pages (HTTPS or localhost), and a workshop on a LAN is often plain
   * HTTP: there the selected text is copied the old way, and failing that the attendee copies it by hand.
   */
  private async copy(): Promise<void> {
    this.input.focus();
    this.input.select();
    let copied = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(this.input.value);
        copied = true;
      } else {
        copied = document.execCommand("copy");
      }
    } catch {
      copied = false;
    }
    this.said.textContent = copied ? "✓ Copied." : "The link is selected: copy it with Ctrl+C (⌘C on a Mac).";
  }
}
