// The lab's superuser password. The walkthrough's postgres/postgres would let any other account on the
// machine log in to the nodes on 127.0.0.1 and, as a superuser, run programs as the lab's OS user
// (COPY ... TO PROGRAM). So each lab makes a random password on its first start and keeps it in
// <dataDir>/password, readable by the lab's owner only. The servers never read it: initdb gets it through a
// temporary file (cluster.ts), and the bridge gives it to the nodes' clients and to the lessons' {{master}}.
import path from "node:path";
import pg from "pg";
import { LabError } from "../../errors.ts";
import { ownSecret } from "../../secret-file.ts";
import { clientConfig, type Endpoint } from "../lab.ts";

/** The walkthrough's password, which labs made before this file existed gave the superuser. */
export const WALKTHROUGH_PASSWORD = "postgres";

export function passwordFile(dataDir: string): string {
  return path.join(dataDir, "password");
}

/** The lab's password: made on the first start (18 random bytes, base64url), read on later ones. */
export function labPassword(dataDir: string, note: (text: string) => void): Promise<string> {
  return ownSecret(
    {
      file: passwordFile(dataDir),
      what: "the lab's password file",
      repair: "Put back the password this lab's nodes were made with.",
      bytes: 18,
    },
    note,
  );
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
  const old = await connect({ ...endpoint, password: WALKTHROUGH_PASSWORD, database: "postgres" }).catch(
    (error: unknown) => {
      if (!refused(error)) throw error;
      throw new LabError(
        `${name} refuses the lab's password (in ${file}) and the walkthrough's "postgres": this node was made with ` +
          `another password. Put back the password file this lab was made with.`,
        { cause: error },
      );
    },
  );
  try {
    await old.query("SET log_statement = 'none'; SET log_min_error_statement = 'panic'");
    await old.query(
      `ALTER ROLE ${old.escapeIdentifier(endpoint.user)} PASSWORD ${old.escapeLiteral(endpoint.password)}`,
    );
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
