// Workshop mode's web security: the hub listens beyond loopback, so it answers only the names it was told it
// has (--public-host, --listen), only pages of its own origin, and only sessions it issued, in cookies a page
// of another site can neither read nor send (HttpOnly, SameSite=Strict, Secure under TLS).
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { HttpError } from "../errors.ts";

export interface PublicAddress {
  /** "https" when the hub serves TLS itself or sits behind a proxy that does (a public URL of https://...). */
  scheme: "http" | "https";
  /** Host header values the hub answers, lower case: "workshop.lan:4321", "192.168.1.20:4321", ... */
  hosts: Set<string>;
  /** The origins of the hub's own pages: each allowed host with the scheme. */
  origins: Set<string>;
  /** The address printed for attendees: scheme, first public name, port. */
  baseUrl: string;
}

export interface AddressOptions {
  /** --public-host: a name (workshop.lan), a name and port, or a whole URL (https://workshop.example.org). */
  publicHosts: string[];
  /** --listen's address (0.0.0.0 when it listens on every interface) and the port it listens on. */
  listenAddress: string;
  port: number;
  tls: boolean;
}

const WILDCARDS = new Set(["0.0.0.0", "::", "[::]", ""]);
const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];

/**
 * The names the hub answers: each public host (with the listening port unless it names its own, e.g. a proxy's
 * URL), the listening address when it is a specific one, and loopback names, so that the instructor can open
 * the hub on the machine itself.
 */
export function publicAddress(options: AddressOptions): PublicAddress {
  const scheme: "http" | "https" = options.tls ? "https" : "http";
  const hosts = new Set<string>();
  const origins = new Set<string>();
  let baseUrl = "";
  const add = (host: string, hostScheme: "http" | "https") => {
    const lower = host.toLowerCase();
    hosts.add(lower);
    // A browser leaves the default port out of both Host and Origin.
    const defaultPort = hostScheme === "https" ? ":443" : ":80";
    if (lower.endsWith(defaultPort)) hosts.add(lower.slice(0, -defaultPort.length));
    const shown = lower.endsWith(defaultPort) ? lower.slice(0, -defaultPort.length) : lower;
    origins.add(`${hostScheme}://${shown}`);
    if (!baseUrl) baseUrl = `${hostScheme}://${shown}`;
  };
  for (const given of options.publicHosts) {
    if (/^https?:\/\//i.test(given)) {
      const url = new URL(given);
      const urlScheme = url.protocol === "https:" ? "https" : "http";
      add(url.port ? url.host : `${url.hostname}:${urlScheme === "https" ? 443 : 80}`, urlScheme);
    } else {
      add(/:\d+$/.test(given) ? given : `${given}:${options.port}`, scheme);
    }
  }
  if (!WILDCARDS.has(options.listenAddress)) {
    const name = options.listenAddress.includes(":") ? `[${options.listenAddress}]` : options.listenAddress;
    add(`${name}:${options.port}`, scheme);
  }
  for (const name of LOOPBACK) add(`${name}:${options.port}`, scheme);
  return { scheme, hosts, origins, baseUrl };
}

export function publicHostRefusal(address: PublicAddress, headers: IncomingHttpHeaders): HttpError | undefined {
  const host = (headers.host ?? "").toLowerCase();
  if (address.hosts.has(host)) return undefined;
  return new HttpError(
    `Host "${headers.host ?? ""}" is not this workshop's address; open it as ${address.baseUrl}.`,
    403,
  );
}

/**
 * A request from a page of another origin is refused; a state-changing one must say its origin (browsers do on
 * every POST and WebSocket), so that a request that hides it is refused rather than trusted.
 */
export function publicOriginRefusal(address: PublicAddress, req: IncomingMessage): HttpError | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined && !address.origins.has(origin.toLowerCase())) {
    return new HttpError(`Requests from ${origin} are not allowed: the workshop answers its own pages only.`, 403);
  }
  if (req.headers["sec-fetch-site"] === "cross-site") return new HttpError("Cross-site requests are not allowed.", 403);
  const changes = req.method !== "GET" && req.method !== "HEAD";
  const upgrade = (req.headers.upgrade ?? "").toLowerCase() === "websocket";
  if (origin === undefined && (changes || upgrade)) {
    return new HttpError("This request must carry an Origin header (browsers send one).", 403);
  }
  return undefined;
}

export const SESSION_COOKIE = "rlab_session";
export const INSTRUCTOR_COOKIE = "rlab_instructor";

export function readCookie(headers: IncomingHttpHeaders, name: string): string | undefined {
  for (const part of (headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** A session cookie: the page's scripts can't read it, no other site's request carries it, TLS only under TLS. */
export function sessionCookie(name: string, token: string, expires: Date, secure: boolean): string {
  return [
    `${name}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    `Expires=${expires.toUTCString()}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}
