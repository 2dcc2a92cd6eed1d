// The hub's state lives in its own PostgreSQL cluster: a store stopped and opened again on the same folder (a
// hub restart) finds every attendee, session, join code and passphrase attempt where it left them.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hubFolders } from "../../server/workshop/store/database.ts";
import { MIGRATIONS } from "../../server/workshop/store/migrations.ts";
import { HubStore } from "../../server/workshop/store/store.ts";
import { tempDir } from "../support/temp-dir.ts";
import { endAndListUsers } from "../support/workshop-labs.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) {
    // Each hub's database and its OS user go, as npm run workshop -- --end removes them.
    expect(await endAndListUsers(dir)).toEqual([]);
    await fs.rm(dir, { recursive: true, force: true });
  }
}, 60_000);

const hash = (token: string) => createHash("sha256").update(token).digest();

describe("the hub's store", () => {
  it("keeps attendees, sessions, join codes and attempts across a restart on the same folder", async () => {
    const dir = await tempDir("hub-store");
    dirs.push(dir);
    const first = await HubStore.open(dir);
    expect(first.schemaVersion).toBe(MIGRATIONS.length);
    const token = randomBytes(32).toString("base64url");
    const soon = new Date(Date.now() + 3_600_000);
    try {
      await first.addAttendee({ id: "a1", displayName: "Ada", labId: "lab-7" });
      await first.addSession(hash(token), "attendee", "a1", soon);
      await first.addSession(hash("instructor-token"), "instructor", null, soon);
      await first.addJoinCode("ABC123", soon);
      await first.addJoinCode("OLD999", soon);
      expect(await first.revokeJoinCode("OLD999")).toBe(true);
      expect(await first.revokeJoinCode("NOPE00")).toBe(false);
      expect(await first.passphraseAttempt("10.0.0.9", 5, 60_000, async () => false)).toBe("wrong");
    } finally {
      await first.close();
    }

    const again = await HubStore.open(dir);
    try {
      expect((await again.attendees()).map((a) => [a.id, a.displayName, a.labId])).toEqual([["a1", "Ada", "lab-7"]]);
      expect(await again.assignedLabs()).toEqual(["lab-7"]);
      const session = await again.session(hash(token));
      expect(session?.role).toBe("attendee");
      expect(session?.attendee?.labId).toBe("lab-7");
      expect((await again.session(hash("instructor-token")))?.role).toBe("instructor");
      expect(await again.session(hash("never-issued"))).toBeNull();
      const codes = Object.fromEntries((await again.joinCodes()).map((code) => [code.code, code.revoked !== null]));
      expect(codes).toEqual({ ABC123: false, OLD999: true });
      // The failed attempt made before the restart still counts: with a limit of 1 the next one is refused.
      expect(await again.passphraseAttempt("10.0.0.9", 1, 60_000, async () => true)).toBe("limited");
      expect(await again.passphraseAttempt("10.0.0.8", 1, 60_000, async () => true)).toBe("right");
    } finally {
      await again.close();
    }
  });

  it("refuses expired sessions, and keeps its data folder and secrets from other users", async () => {
    const dir = await tempDir("hub-store");
    dirs.push(dir);
    const store = await HubStore.open(dir);
    try {
      await store.addAttendee({ id: "b1", displayName: "Bo", labId: "lab-1" });
      await store.addSession(hash("old"), "attendee", "b1", new Date(Date.now() - 1000));
      expect(await store.session(hash("old"))).toBeNull();
      const folders = hubFolders(dir);
      expect((await fs.stat(folders.data)).mode & 0o777).toBe(0o700);
      expect((await fs.stat(folders.secrets)).mode & 0o777).toBe(0o700);
      expect((await fs.stat(path.join(folders.secrets, "database-password"))).mode & 0o777).toBe(0o600);
      if (process.getuid?.() === 0) {
        // As root the cluster runs as the workshop's rlab-<tag>-hub, owner of the data folder; the secrets are root's.
        expect((await fs.stat(folders.data)).uid).not.toBe(0);
        expect((await fs.stat(folders.secrets)).uid).toBe(0);
      }
    } finally {
      await store.close();
    }
  });
});
