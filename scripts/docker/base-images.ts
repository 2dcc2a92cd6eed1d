// Stand-ins for the official base images, which can't be pulled where no image registry is reachable (as on the
// machines this project is built on): `local/debian:bookworm`, a debootstrap minbase of Debian 12 from the mirror
// apt already uses, and `local/node:20`, this machine's own Node 20 and npm copied into it where the official
// `node:20-bookworm-slim` has them (/usr/local/bin, /usr/local/lib/node_modules/npm, a `node` user of uid 1000).
// Each is built once and found by its tag afterwards; the Node one again only when this machine's Node changes.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { docker, onPath, runProgram } from "./engine.ts";

export const DEBIAN_BASE = "local/debian:bookworm";
export const NODE_BASE = "local/node:20";
const NODE_VERSION_LABEL = "org.replication-lab.made-of";
const FALLBACK_MIRROR = "http://deb.debian.org/debian";

type Say = (line: string) => void;

/** The image's label `label` ("" when it has none), or undefined when the engine has no image of that tag. */
export async function imageLabel(tag: string, label: string): Promise<string | undefined> {
  const format = `{{with .Config.Labels}}{{index . "${label}"}}{{end}}`;
  const found = await runProgram("docker", ["image", "inspect", "--format", format, tag]);
  return found.code === 0 ? found.stdout.trim().replace(/^<no value>$/, "") : undefined;
}

/** The Debian mirror apt uses for bookworm, from sources.list and sources.list.d (one-line or deb822 format). */
export function debianMirror(files = aptSourceFiles()): string {
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const line of text.split("\n")) {
      const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/.exec(line.trim());
      if (oneLine) return oneLine[1]!;
    }
    for (const stanza of text.split(/\n\s*\n/)) {
      const suites = /^Suites:(.*)$/m.exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      if (uri && suites.includes("bookworm") && /^Types:.*\bdeb\b/m.test(stanza)) return uri;
    }
  }
  return FALLBACK_MIRROR;
}

function aptSourceFiles(): string[] {
  const dir = "/etc/apt/sources.list.d";
  const listed = existsSync(dir) ? readdirSync(dir).map((name) => path.join(dir, name)) : [];
  return ["/etc/apt/sources.list", ...listed].filter((file) => existsSync(file) && /\.(list|sources)$/.test(file));
}

/** `local/debian:bookworm`, from debootstrap (about 30 s), unless the engine has it already. */
export async function debianBase(say: Say = () => {}): Promise<string> {
  if ((await imageLabel(DEBIAN_BASE, NODE_VERSION_LABEL)) !== undefined) return DEBIAN_BASE;
  if (!onPath("debootstrap")) throw new Error("debootstrap is not installed: apt-get install -y debootstrap");
  const mirror = debianMirror();
  const root = await fs.mkdtemp("/var/tmp/replication-lab-debian-");
  try {
    say(`  docker: debootstrap --variant=minbase bookworm from ${mirror} (once; about 30 s)`);
    const made = await runProgram("debootstrap", ["--variant=minbase", "bookworm", root, mirror]);
    if (made.code !== 0) throw new Error(`debootstrap failed (${made.code}):\n${made.stdout.slice(-2000)}`);
    // The downloaded packages are installed already; leaving them out makes the image a third smaller.
    await fs.rm(path.join(root, "var/cache/apt/archives"), { recursive: true, force: true });
    await fs.mkdir(path.join(root, "var/cache/apt/archives/partial"), { recursive: true });
    const tar = spawn("tar", ["-C", root, "-c", "."], { stdio: ["ignore", "pipe", "inherit"] });
    await docker(["import", "--change", "ENV LANG=C.UTF-8", "--change", 'CMD ["bash"]', "-", DEBIAN_BASE], {
      input: tar.stdout,
    });
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
  return DEBIAN_BASE;
}

/**
 * Where this machine keeps the certificate authorities it trusts. Machines whose outgoing TLS passes through an
 * inspecting proxy add its authority there (and point NODE_EXTRA_CA_CERTS at the file); the stand-in trusts the
 * same, or npm ci inside an image built on it could not reach the npm registry.
 */
function trustedAuthorities(): string | undefined {
  const file = process.env["NODE_EXTRA_CA_CERTS"] || "/etc/ssl/certs/ca-certificates.crt";
  return existsSync(file) ? file : undefined;
}

function nodeDockerfile(withAuthorities: boolean): string {
  const bundle = "/etc/ssl/certs/ca-certificates.crt";
  const trust = withAuthorities ? `COPY ca-certificates.crt ${bundle}\nENV NODE_EXTRA_CA_CERTS=${bundle}\n` : "";
  return `FROM ${DEBIAN_BASE}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
${trust}RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node \\
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && node --version && npm --version
CMD ["node"]
`;
}

/** What the stand-in is made of: this machine's Node and its trusted authorities; a change to either remakes it. */
function nodeBaseVersion(authorities: string | undefined): string {
  const trust = authorities
    ? createHash("sha256").update(readFileSync(authorities)).digest("hex").slice(0, 12)
    : "none";
  return `${process.version} ca:${trust}`;
}

/** `local/node:20`: this machine's Node (it must be 20, as the official image's) and npm on the Debian stand-in. */
export async function nodeBase(say: Say = () => {}): Promise<string> {
  if (!process.version.startsWith("v20.")) {
    throw new Error(`The stand-in for node:20 copies this machine's Node, which is ${process.version}, not 20.`);
  }
  const authorities = trustedAuthorities();
  const version = nodeBaseVersion(authorities);
  if ((await imageLabel(NODE_BASE, NODE_VERSION_LABEL)) === version) return NODE_BASE;
  await debianBase(say);
  const npmCli = onPath("npm");
  if (!npmCli) throw new Error("npm is not on PATH, so there is none to copy into the stand-in for node:20.");
  // npm's command is a link to <prefix>/lib/node_modules/npm/bin/npm-cli.js: its package is two folders up.
  const npmDir = path.resolve(path.dirname(realpathSync(npmCli)), "..");
  const context = await fs.mkdtemp("/var/tmp/replication-lab-node-");
  try {
    say(`  docker: ${NODE_BASE} from ${DEBIAN_BASE} with this machine's Node ${process.version} (once)`);
    await fs.copyFile(realpathSync(process.execPath), path.join(context, "node"));
    await fs.cp(npmDir, path.join(context, "npm"), { recursive: true, verbatimSymlinks: true });
    if (authorities) await fs.copyFile(authorities, path.join(context, "ca-certificates.crt"));
    await fs.writeFile(path.join(context, "Dockerfile"), nodeDockerfile(authorities !== undefined));
    await docker(["build", "--label", `${NODE_VERSION_LABEL}=${version}`, "-t", NODE_BASE, context]);
  } finally {
    await fs.rm(context, { recursive: true, force: true });
  }
  return NODE_BASE;
}
