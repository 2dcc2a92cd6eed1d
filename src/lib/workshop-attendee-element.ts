// <workshop-attendee>: in workshop mode, the attendee's display name and personal rejoin link in the header.
// The hub answers /workshop/me from the session cookie (sent by the browser, same origin); the single-user
// bridge has no such route, so there the element stays hidden.

interface Me {
  name: string;
  lab: string;
  rejoin: string;
}

function isMe(value: unknown): value is Me {
  const me = value as Partial<Me> | null;
  return typeof me?.name === "string" && typeof me.lab === "string" && typeof me.rejoin === "string";
}

class WorkshopAttendee extends HTMLElement {
  connectedCallback(): void {
    void this.show();
  }

  private async show(): Promise<void> {
    let me: unknown;
    try {
      const response = await fetch("/workshop/me", { headers: { Accept: "application/json" } });
      if (!response.ok || !(response.headers.get("content-type") ?? "").includes("application/json")) return;
      me = await response.json();
    } catch {
      return;
    }
    if (!isMe(me)) return;
    const name = this.querySelector<HTMLElement>("[data-name]");
    const rejoin = this.querySelector<HTMLAnchorElement>("[data-rejoin]");
    if (name) {
      name.textContent = me.name;
      name.title = `Your lab: ${me.lab}`;
    }
    if (rejoin) rejoin.href = me.rejoin;
    this.hidden = false;
  }
}

if (!customElements.get("workshop-attendee")) customElements.define("workshop-attendee", WorkshopAttendee);
