// The hub's secrets and the tokens made from them. Session tokens are random (32 bytes) and kept only as their
// SHA-256 in the hub's database; the CSRF token and the personal rejoin link are HMACs under the hub's signing
// key, so the hub can check them without storing them, and nobody without the key (kept in a root-only file)
// can make one.
import { createHash, createHmac, randomBytes, randomInt, scrypt, timingSafeEqual } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { ownSecret } from "../secret-file.ts";

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;

export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashToken(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

/** Equal strings, compared in constant time. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Letters and digits that can't be misread from a projector (no 0/O, 1/I/L). */
const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** A short join code an attendee can type: six characters, about 30 bits. */
export function newJoinCode(): string {
  return Array.from({ length: 6 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");
}

/** Words for the instructor's passphrase: four of them from a list of 64 plus a number, about 34 bits. */
const WORDS = (
  "amber basin cedar delta ember fjord glade harbor iris jetty kelp lagoon meadow nectar orbit pebble quartz " +
  "raven sable tundra umber violet willow yarrow zephyr anchor birch canyon dune estuary fern granite heron " +
  "island juniper kestrel lichen maple nimbus oak prairie quill reef spruce thistle upland vale walnut alder " +
  "bramble cove drift egret flint grove hollow inlet jasper knoll larch moss north ochre pine ridge"
).split(" ");

export function newPassphrase(): string {
  const words = Array.from({ length: 4 }, () => WORDS[randomInt(WORDS.length)]);
  return `${words.join("-")}-${randomInt(10, 100)}`;
}

/** The hub's secrets, in <workshopDir>/hub/secrets, each a file of mode 600 owned by the hub's user. */
export class HubSecrets {
  private constructor(
    private readonly signingKey: string,
    private readonly passphraseFile: string,
  ) {}

  static async open(secretsDir: string, note: (text: string) => void): Promise<HubSecrets> {
    await fs.mkdir(secretsDir, { recursive: true, mode: 0o700 });
    const signingKey = await ownSecret(
      {
        file: path.join(secretsDir, "signing-key"),
        what: "the hub's signing key",
        repair: "Delete it: every attendee then joins again.",
        bytes: 32,
      },
      note,
    );
    return new HubSecrets(signingKey, path.join(secretsDir, "instructor-passphrase"));
  }

  private sign(purpose: string, value: string): string {
    return createHmac("sha256", this.signingKey).update(`${purpose}\0${value}`).digest("base64url");
  }

  /** The CSRF token of a session: the page sends it with every call; a page of another site can't know it. */
  csrfToken(sessionToken: string): string {
    return this.sign("csrf", sessionToken);
  }

  /** The attendee's personal rejoin token: their id and its signature. */
  rejoinToken(attendeeId: string): string {
    return `${attendeeId}.${this.sign("rejoin", attendeeId)}`;
  }

  /** The attendee id a rejoin token names, when its signature is right. */
  rejoinAttendee(token: string): string | null {
    const dot = token.lastIndexOf(".");
    if (dot <= 0) return null;
    const id = token.slice(0, dot);
    return sameSecret(token.slice(dot + 1), this.sign("rejoin", id)) ? id : null;
  }

  /**
   * The instructor's passphrase: the one given (LAB_WORKSHOP_PASSPHRASE), else a new one. Only its scrypt hash
   * is kept; a new passphrase is made on every start, so the one the terminal prints is always the one that works.
   */
  async setPassphrase(given?: string): Promise<string> {
    const passphrase = given || newPassphrase();
    const salt = randomBytes(16);
    const hash = await scryptAsync(passphrase, salt, 32);
    await fs.writeFile(this.passphraseFile, `${salt.toString("base64url")}.${hash.toString("base64url")}\n`, {
      mode: 0o600,
    });
    await fs.chmod(this.passphraseFile, 0o600);
    return passphrase;
  }

  async passphraseMatches(given: string): Promise<boolean> {
    const stored = (await fs.readFile(this.passphraseFile, "utf8")).trim();
    const [salt, hash] = stored.split(".");
    if (!salt || !hash) return false;
    const offered = await scryptAsync(given.slice(0, 200), Buffer.from(salt, "base64url"), 32);
    const expected = Buffer.from(hash, "base64url");
    return offered.length === expected.length && timingSafeEqual(offered, expected);
  }
}
