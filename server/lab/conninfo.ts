// Reading and changing the address in a subscription's connection string (keyword=value or URI form).

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

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
  if (/^postgres(?:ql)?:\/\//.test(conninfo)) return conninfo.replace(`:${from}`, `:${to}`);
  return conninfo.replace(/(^|\s)port\s*=\s*'?\d+'?/, `$1port=${to}`);
}

function keyword(conninfo: string, name: string): string | undefined {
  return new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:'([^']*)'|(\\S+))`).exec(conninfo)?.slice(1).find((v) => v !== undefined);
}
