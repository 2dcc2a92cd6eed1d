// A secret the lab keeps in a file only its owner can read: the nodes' password (lab/embedded/password.ts) and
// the bridge's token (token.ts). Made once with random bytes and read on later starts, so the secret outlives
// a restart; a file another user owns, or that others can read, is refused or tightened before it is used.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import { LabError } from "./errors.ts";

/** What a secret must look like to go unquoted into a connection string, a URL fragment or a header. */
const SAFE = /^[A-Za-z0-9_-]+$/;

export interface SecretFile {
  file: string;
  /** What it is, for messages: "the lab's password file". */
  what: string;
  /** What to do when the file holds something else than a secret. */
  repair: string;
  bytes: number;
}

/** The secret in `file`: made on the first call ("wx", mode 600), read on later ones. */
export async function ownSecret(secret: SecretFile, note: (text: string) => void): Promise<string> {
  const made = randomBytes(secret.bytes).toString("base64url");
  try {
    // "wx": two starts racing on a new folder must not each write a secret of their own.
    await fs.writeFile(secret.file, `${made}\n`, { flag: "wx", mode: 0o600 });
    return made;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
      const reason = (error as Error).message;
      throw new LabError(`Could not write ${secret.what} ${secret.file}: ${reason}`, { cause: error });
    }
  }
  return readSecret(secret, note);
}

async function readSecret({ file, what, repair }: SecretFile, note: (text: string) => void): Promise<string> {
  const handle = await fs.open(file, "r").catch((error: Error) => {
    throw new LabError(`Could not read ${what} ${file}: ${error.message}`, { cause: error });
  });
  try {
    const { uid, mode } = await handle.stat();
    const me = process.getuid?.();
    if (me !== undefined && uid !== me) {
      throw new LabError(
        `${capitalise(what)} ${file} belongs to another user (uid ${uid}), who can read and change it. ` +
          `Start the lab as that user, or make the file yours (chown) if you trust it.`,
      );
    }
    if ((mode & 0o077) !== 0) {
      await handle.chmod(0o600);
      note(`${what} ${file} could be read by other users; it is now readable by you only (mode 600)`);
    }
    const secret = (await handle.readFile("utf8")).trim();
    if (!SAFE.test(secret))
      throw new LabError(`${capitalise(what)} ${file} should hold one line of letters, digits, "-" and "_". ${repair}`);
    return secret;
  } finally {
    await handle.close();
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
