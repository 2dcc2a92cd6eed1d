// Reading and changing the address and credentials in a subscription's connection string (keyword=value or
// URI form).

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
const URI = /^postgres(?:ql)?:\/\//;

/** The loopback port a subscription's connection string points at, or null (another host, or unparsed). */
export function loopbackPort(conninfo: string): number | null {
  const uri = /^postgres(?:ql)?:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?]+)(?::(\d+))?/.exec(conninfo);
  if (uri) return LOOPBACK.has(uri[1]!) && uri[2] ? Number(uri[2]) : null;
  const host = keyword(conninfo, "hostaddr") ?? keyword(conninfo, "host");
  const port = keyword(conninfo, "port");
  return host && LOOPBACK.has(host) && port && /^\d+$/.test(port) ? Number(port) : null;
}

/** The same connection string with another port. */
export function withPort(conninfo: string, from: number, to: number): string {
  if (URI.test(conninfo)) return conninfo.replace(`:${from}`, `:${to}`);
  return conninfo.replace(/(^|\s)port\s*=\s*'?\d+'?/, `$1port=${to}`);
}

/** The user and password a connection string logs in with, as far as it says them. */
export function credentials(conninfo: string): { user: string | undefined; password: string | undefined } {
  if (URI.test(conninfo)) {
    const userinfo = /^postgres(?:ql)?:\/\/([^@/]*)@/.exec(conninfo)?.[1];
    const query = new URLSearchParams(/\?(.*)$/.exec(conninfo)?.[1] ?? "");
    const [user, password] = userinfo ? userinfo.split(":", 2).map(decode) : [];
    return { user: query.get("user") ?? user, password: query.get("password") ?? password };
  }
  return { user: keyword(conninfo, "user"), password: keyword(conninfo, "password") };
}

/**
 * The same connection string with another password. The new one is written unquoted: the lab's passwords are
 * base64url, which needs no quoting in a keyword=value string nor escaping in a URI.
 */
export function withPassword(conninfo: string, password: string): string {
  if (URI.test(conninfo)) {
    if (/[?&]password=/.test(conninfo)) return conninfo.replace(/([?&]password=)[^&]*/, `$1${password}`);
    return conninfo.replace(/^(postgres(?:ql)?:\/\/[^:@/]*)(?::[^@/]*)?@/, `$1:${password}@`);
  }
  const existing = /(^|\s)password\s*=\s*(?:'(?:[^'\\]|\\.)*'|\S+)/;
  return existing.test(conninfo)
    ? conninfo.replace(existing, `$1password=${password}`)
    : `${conninfo} password=${password}`;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function keyword(conninfo: string, name: string): string | undefined {
  return new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:'([^']*)'|(\\S+))`)
    .exec(conninfo)
    ?.slice(1)
    .find((v) => v !== undefined);
}
