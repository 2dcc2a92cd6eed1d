import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bridgeToken, tokenFile } from "../../server/token.ts";
import { tempDir } from "../support/temp-dir.ts";

describe("the bridge's token", () => {
  it("is made once per data folder, kept readable by its owner only, and the same after a restart", async () => {
    const dir = await tempDir("token");
    const notes: string[] = [];
    const first = await bridgeToken(dir, (text) => notes.push(text));
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await fs.stat(tokenFile(dir))).mode & 0o777).toBe(0o600);
    await expect(bridgeToken(dir, (text) => notes.push(text))).resolves.toBe(first);
    expect(notes).toEqual([]);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("closes a token file others could read, and says so", async () => {
    const dir = await tempDir("token");
    await fs.writeFile(path.join(dir, "token"), "abcdefghijklmnopqrstuvwxyz012345\n", { mode: 0o644 });
    await fs.chmod(path.join(dir, "token"), 0o644);
    const notes: string[] = [];
    await expect(bridgeToken(dir, (text) => notes.push(text))).resolves.toBe("abcdefghijklmnopqrstuvwxyz012345");
    expect((await fs.stat(tokenFile(dir))).mode & 0o777).toBe(0o600);
    expect(notes).toEqual([
      `the bridge's token file ${tokenFile(dir)} could be read by other users; it is now readable by you ` +
        `only (mode 600)`,
    ]);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("refuses a token file that holds something else, with what to do", async () => {
    const dir = await tempDir("token");
    await fs.writeFile(path.join(dir, "token"), "not a token!\n", { mode: 0o600 });
    await expect(bridgeToken(dir, () => {})).rejects.toThrow(
      /should hold one line of letters, digits, "-" and "_"\. Delete it: the next npm start makes a new one\./,
    );
    await fs.rm(dir, { recursive: true, force: true });
  });
});
