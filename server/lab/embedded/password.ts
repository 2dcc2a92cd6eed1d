// The lab's superuser password. The walkthrough's postgres/postgres would let any other account on the
// machine log in to the nodes on 127.0.0.1 and, as a superuser, run programs as the lab's OS user
// (COPY ... TO PROGRAM). So each lab makes a random password on its first start and keeps it in
// <dataDir>/password, readable by the lab's owner only. The servers never read it: initdb gets it through a
// temporary file (cluster.ts), and the bridge gives it to the nodes' clients and to the lessons' {{master}}.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { LabError } from "../../errors.ts";
import { clientConfig, type Endpoint } from "../lab.ts";

/** The walkthrough's password, which labs made before this file existed gave the superuser. */
export const WALKTHROUGH_PASSWORD = "postgres";

/** What a password must look like to go unquoted into a keyword=value connection string or a URI. */
const SAFE = /^[A-Za-z0-9_-]+$/;

export function passwordFile(dataDir: string): string {
  return path.join(dataDir, "password");
}

/** The lab's password: made on the first start (18 random bytes, base64url), read on later ones. */
export async function labPassword(dataDir: string, note: (text: string) => void): Promise<string> {
  const file = passwordFile(dataDir);
  const made = randomBytes(18).toString("base64url");
  try {
    // "wx": two starts racing on a new folder must not each write a password of their own.
    await fs.writeFile(file, `${made}\n`, { flag: "wx", mode: 0o600 });
    return made;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
      throw new LabError(`Could not write the lab's password file ${file}: ${(error as Error).message}`);
    }
  }
  return readPassword(file, note);
}

async function readPassword(file: string, note: (text: string) => void): Promise<string> {
  const handle = await fs.open(file, "r").catch((error: Error) => {
    throw new LabError(`Could not read the lab's password file ${file}: ${error.message}`);
  });
  try {
    const { uid, mode } = await handle.stat();
    const me = process.getuid?.();
    if (me !== undefined && uid !== me) {
      throw new LabError(
        `The lab's password file ${file} belongs to another user (uid ${uid}), who can read and change it. ` +
          `Start the lab as that user, or make the file yours (chown) if you trust it.`,
      );
    }
    if ((mode & 0o077) !== 0) {
      await handle.chmod(0o600);
      note(`the lab's password file ${file} could be read by other users; it is now readable by you only (mode 600)`);
    }
    const password = (await handle.readFile("utf8")).trim();
    if (!SAFE.test(password)) {
      throw new LabError(
        `The lab's password file ${file} should hold one password made of letters, digits, "-" and "_". ` +
          `Put back the password this lab's nodes were made with.`,
      );
    }
    return password;
  } finally {
    await handle.close();
  }
}

/**
 * Makes sure a running node takes the lab's password. A node made before the lab had one still has the
 * walkthrough's: it refuses the lab's password (28P01), so the bridge logs in with the old one and changes it.
 * Returns true when it did. The change is kept out of the server log whatever the node's logging settings.
 */
export async function adoptLabPassword(name: string, endpoint: Endpoint, file: string): Promise<boolean> {
  const current = await connect({ ...endpoint, database: "postgres" }).catch((error: unknown) => error);
  if (current instanceof pg.Client) {
    await current.end().catch(() => {});
    return false;
  }
  if (!refused(current) || endpoint.password === WALKTHROUGH_PASSWORD) throw current;
  const old = await connect({ ...endpoint, password: WALKTHROUGH_PASSWORD, database: "postgres" }).catch((error: unknown) => {
    if (!refused(error)) throw error;
    throw new LabError(
      `${name} refuses the lab's password (in ${file}) and the walkthrough's "postgres": this node was made with ` +
        `another password. Put back the password file this lab was made with.`,
    );
  });
  try {
    await old.query("SET log_statement = 'none'; SET log_min_error_statement = 'panic'");
    await old.query(`ALTER ROLE ${old.escapeIdentifier(endpoint.user)} PASSWORD ${old.escapeLiteral(endpoint.password)}`);
  } finally {
    await old.end().catch(() => {});
  }
  return true;
}

/** PostgreSQL's invalid_password: the role exists and the password is wrong. */
function refused(error: unknown): boolean {
  return (error as { code?: string }).code === "28P01";
}

async function connect(endpoint: Endpoint): Promise<pg.Client> {
  const client = new pg.Client({ ...clientConfig(endpoint), connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return client;
}
