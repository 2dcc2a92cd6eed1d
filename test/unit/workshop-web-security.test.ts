// Workshop mode's Host and Origin rules and its tokens, without a server: which names the hub answers for which
// options, and that the CSRF token and rejoin link can't be made without the hub's key.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { IncomingMessage } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { HubSecrets, newJoinCode } from "../../server/workshop/tokens.ts";
import {
  publicAddress,
  publicHostRefusal,
  publicOriginRefusal,
  readCookie,
  sessionCookie,
} from "../../server/workshop/web-security.ts";

const request = (method: string, headers: Record<string, string>) => ({ method, headers }) as IncomingMessage;

describe("the hub's public address", () => {
  const lan = publicAddress({ publicHosts: ["Workshop.LAN"], listenAddress: "0.0.0.0", port: 4321, tls: false });

  it("answers the public name on its port and loopback names, nothing else", () => {
    expect(lan.baseUrl).toBe("http://workshop.lan:4321");
    expect(publicHostRefusal(lan, { host: "workshop.lan:4321" })).toBeUndefined();
    expect(publicHostRefusal(lan, { host: "127.0.0.1:4321" })).toBeUndefined();
    expect(publicHostRefusal(lan, { host: "workshop.lan" })?.status).toBe(403);
    expect(publicHostRefusal(lan, { host: "evil.example:4321" })?.status).toBe(403);
    expect(publicHostRefusal(lan, {})?.status).toBe(403);
  });

  it("takes a proxy's URL as is, and a specific listening address as a name", () => {
    const proxied = publicAddress({
      publicHosts: ["https://workshop.example.org"],
      listenAddress: "127.0.0.1",
      port: 4321,
      tls: false,
    });
    expect(proxied.baseUrl).toBe("https://workshop.example.org");
    expect(publicHostRefusal(proxied, { host: "workshop.example.org" })).toBeUndefined();
    expect(proxied.origins.has("https://workshop.example.org")).toBe(true);
    const bound = publicAddress({ publicHosts: [], listenAddress: "192.168.1.20", port: 80, tls: false });
    expect(publicHostRefusal(bound, { host: "192.168.1.20" })).toBeUndefined();
    expect(bound.origins.has("http://192.168.1.20")).toBe(true);
  });

  it("refuses foreign origins, and state changes and upgrades that hide theirs", () => {
    expect(publicOriginRefusal(lan, request("POST", { origin: "http://workshop.lan:4321" }))).toBeUndefined();
    expect(publicOriginRefusal(lan, request("POST", { origin: "http://evil.example" }))?.status).toBe(403);
    expect(publicOriginRefusal(lan, request("POST", { origin: "null" }))?.status).toBe(403);
    expect(publicOriginRefusal(lan, request("POST", {}))?.status).toBe(403);
    expect(publicOriginRefusal(lan, request("GET", { upgrade: "websocket" }))?.status).toBe(403);
    expect(publicOriginRefusal(lan, request("GET", {}))).toBeUndefined();
    expect(publicOriginRefusal(lan, request("GET", { "sec-fetch-site": "cross-site" }))?.status).toBe(403);
  });
});

describe("cookies", () => {
  it("are HttpOnly and SameSite=Strict, and Secure under TLS", () => {
    const expires = new Date(Date.UTC(2030, 0, 1));
    expect(sessionCookie("rlab_session", "abc", expires, false)).toBe(
      "rlab_session=abc; Path=/; HttpOnly; SameSite=Strict; Expires=Tue, 01 Jan 2030 00:00:00 GMT",
    );
    expect(sessionCookie("rlab_session", "abc", expires, true)).toMatch(/; Secure$/);
    expect(readCookie({ cookie: "a=1; rlab_session=xyz; b=2" }, "rlab_session")).toBe("xyz");
    expect(readCookie({ cookie: "rlab_session_x=1" }, "rlab_session")).toBeUndefined();
  });
});

describe("the hub's tokens", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
  });
  const secrets = async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-secrets-"));
    dirs.push(dir);
    return HubSecrets.open(dir, () => {});
  };

  it("makes CSRF tokens and rejoin links only the hub's key can make", async () => {
    const one = await secrets();
    const other = await secrets();
    expect(one.csrfToken("session")).toBe(one.csrfToken("session"));
    expect(one.csrfToken("session")).not.toBe(other.csrfToken("session"));
    expect(one.csrfToken("session")).not.toBe(one.csrfToken("another"));
    const link = one.rejoinToken("attendee-1");
    expect(one.rejoinAttendee(link)).toBe("attendee-1");
    expect(other.rejoinAttendee(link)).toBeNull();
    expect(one.rejoinAttendee(link.replace("attendee-1", "attendee-2"))).toBeNull();
    expect(one.rejoinAttendee("nonsense")).toBeNull();
  });

  it("keeps the passphrase as a hash in a file only its owner reads", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-secrets-"));
    dirs.push(dir);
    const hub = await HubSecrets.open(dir, () => {});
    const passphrase = await hub.setPassphrase();
    expect(passphrase).toMatch(/^[a-z]+-[a-z]+-[a-z]+-[a-z]+-\d{2}$/);
    expect(await hub.passphraseMatches(passphrase)).toBe(true);
    expect(await hub.passphraseMatches(`${passphrase}x`)).toBe(false);
    const file = path.join(dir, "instructor-passphrase");
    expect(await fs.readFile(file, "utf8")).not.toContain(passphrase);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(newJoinCode()).toMatch(/^[2-9A-HJKMNP-Z]{6}$/);
  });
});
