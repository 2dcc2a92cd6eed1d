// The hub's own pages, rendered on the server: the join form, the instructor's login and dashboard. They are
// plain HTML rather than Astro pages because they show hub state (the join code, its QR code, who joined) that
// only exists while the hub runs, and must work before the visitor has a session; the static site (dist/) is
// built once and is the same for everyone.
import type { Attendee, JoinCode } from "./store/store.ts";
import { formatBytes } from "../lesson-start/disk-use.ts";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Replication Lab workshop</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.5rem; } label { display: block; margin: 1rem 0 0.25rem; font-weight: 600; }
input { font-size: 1.1rem; padding: 0.4rem; width: 100%; box-sizing: border-box; }
button { margin-top: 1rem; font-size: 1.1rem; padding: 0.5rem 1.2rem; }
.error { background: #fde8e8; border: 1px solid #e0a0a0; padding: 0.6rem; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid #ddd; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
.code { font-family: ui-monospace, monospace; font-size: 1.6rem; letter-spacing: 0.15em; }
.room-link { font-size: 1.2rem; padding: 0.6rem 0.8rem; background: #eef4ff; border: 1px solid #b8cdf0;
  border-radius: 4px; }
form.inline { display: inline; } form.inline button { margin: 0; font-size: 0.9rem; padding: 0.1rem 0.5rem; }
</style></head><body>
${body}
</body></html>`;
}

function errorBox(error?: string): string {
  return error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : "";
}

export function joinPage(options: { code?: string; name?: string; error?: string }): string {
  return page(
    "Join",
    `<h1>Join the workshop</h1>
<p>You get a lab of your own: four PostgreSQL servers, ready in a second. Nothing to install.</p>
${errorBox(options.error)}
<form method="post" action="/workshop/join">
<label for="code">Join code</label>
<input id="code" name="code" required maxlength="12" autocomplete="off" value="${escapeHtml(options.code ?? "")}">
<label for="name">Your name (others in the workshop may see it)</label>
<input id="name" name="name" required maxlength="60" autocomplete="nickname" value="${escapeHtml(options.name ?? "")}">
<button type="submit">Join</button>
</form>`,
  );
}

export function loginPage(error?: string): string {
  return page(
    "Instructor",
    `<h1>Instructor</h1>
${errorBox(error)}
<form method="post" action="/workshop/instructor/login">
<label for="passphrase">Passphrase (printed in the hub's terminal)</label>
<input id="passphrase" name="passphrase" type="password" required autocomplete="current-password">
<button type="submit">Log in</button>
</form>`,
  );
}

export interface Dashboard {
  joinUrl: (code: string) => string;
  qrSvg: string | null;
  codes: JoinCode[];
  /** Each with the disk their lab takes (null where it can't be told). */
  attendees: (Attendee & { diskBytes: number | null })[];
  csrf: string;
  labs: string;
}

export function dashboardPage(view: Dashboard): string {
  const now = Date.now();
  const live = view.codes.filter((code) => !code.revoked && code.expires.getTime() > now);
  const current = live[live.length - 1];
  const csrf = `<input type="hidden" name="csrf" value="${escapeHtml(view.csrf)}">`;
  const codeRows = view.codes
    .map((code) => {
      const state = code.revoked
        ? "revoked"
        : code.expires.getTime() <= now
          ? "expired"
          : `valid until ${code.expires.toISOString().slice(11, 16)} UTC`;
      const revoke = state.startsWith("valid")
        ? `<form class="inline" method="post" ` +
          `action="/workshop/instructor/codes/revoke">${csrf}<input type="hidden" ` +
          `name="code" value="${escapeHtml(code.code)}"><button>Revoke</button></form>`
        : "";
      return `<tr><td class="code">${escapeHtml(code.code)}</td><td>${state}</td><td>${revoke}</td></tr>`;
    })
    .join("\n");
  const people = view.attendees
    .map(
      (a) =>
        `<tr><td>${escapeHtml(a.displayName)}</td><td>${escapeHtml(a.labId)}</td>` +
        `<td>${a.lastSeen.toISOString().slice(11, 19)} UTC</td>` +
        `<td class="number">${a.diskBytes === null ? "?" : escapeHtml(formatBytes(a.diskBytes))}</td></tr>`,
    )
    .join("\n");
  return page(
    "Instructor",
    `<h1>Workshop</h1>
<p class="room-link"><a href="/workshop/room/"><strong>Open the room</strong></a>: the class's progress, who is stuck,
each attendee's lab.</p>
${
  current
    ? `<p>Attendees open
<a href="${escapeHtml(view.joinUrl(current.code))}">${escapeHtml(view.joinUrl(current.code))}</a>
and type the code <span class="code">${escapeHtml(current.code)}</span>.</p>${view.qrSvg ?? ""}`
    : `<p>No join code is valid: make one below.</p>`
}
<p>Labs: ${escapeHtml(view.labs)}</p>
<h2>Join codes</h2>
<table><tr><th>Code</th><th>State</th><th></th></tr>${codeRows}</table>
<form method="post" action="/workshop/instructor/codes">${csrf}
<label for="minutes">A new code, valid for (minutes)</label>
<input id="minutes" name="minutes" type="number" min="1" max="1440" value="120"><button>Make a code</button></form>
<h2>Attendees (${view.attendees.length})</h2>
<table><tr><th>Name</th><th>Lab</th><th>Last seen</th><th class="number">Disk</th></tr>${people}</table>`,
  );
}
