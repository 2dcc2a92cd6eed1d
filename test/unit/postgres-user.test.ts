import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkReachable } from "../../server/lab/embedded/postgres-user.ts";
import { LabError } from "../../server/errors.ts";
import { tempDir } from "../support/temp-dir.ts";

// A user id that owns none of these folders, standing in for the postgres user when we run as root.
const stranger = { uid: 54_321, gid: 54_321 };
const root = await tempDir("reach");

describe("whether the postgres user can reach the data folder", () => {
  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  it("passes when every folder above it can be passed through", async () => {
    await expect(checkReachable(path.join(root, "open", ".lab"), stranger)).resolves.toBeUndefined();
  });

  it("names the closed folder (a home of mode 700) and the ways out", async () => {
    const home = path.join(root, "home");
    await fs.mkdir(path.join(home, "project"), { recursive: true });
    await fs.chmod(home, 0o700);
    const attempt = checkReachable(path.join(home, "project", ".lab"), stranger);
    await expect(attempt).rejects.toBeInstanceOf(LabError);
    await expect(attempt).rejects.toThrow(`${home} is closed to it`);
    await expect(attempt).rejects.toThrow("LAB_DATA_DIR=");
    await expect(attempt).rejects.toThrow(`chmod o+x ${home}`);
  });

  it("lets the folder's owner through on the owner's bits alone", async () => {
    const own = path.join(root, "own");
    await fs.mkdir(own);
    await fs.chmod(own, 0o700);
    const stat = await fs.stat(own);
    await expect(checkReachable(path.join(own, ".lab"), { uid: stat.uid, gid: stat.gid })).resolves.toBeUndefined();
  });
});

describe("choosing the data folder when running as root", async () => {
  const { reachableDataDir } = await import("../../server/lab/embedded/postgres-user.ts");
  const { loadConfig } = await import("../../server/config.ts");

  it("moves the default folder to /var/tmp when the checkout is under a closed home folder, and says so", async () => {
    const home = path.join(root, "home700");
    await fs.mkdir(path.join(home, "checkout"), { recursive: true });
    await fs.chmod(home, 0o700);
    const config = { ...loadConfig({}), dataDir: path.join(home, "checkout", ".lab"), dataDirExplicit: false };
    const warnings: string[] = [];
    const chosen = await reachableDataDir(config, stranger, (note) => warnings.push(note));
    expect(chosen).toMatch(/^\/var\/tmp\/replication-lab-[0-9a-f]{10}$/);
    expect(await reachableDataDir(config, stranger, () => {})).toBe(chosen);
    expect(warnings).toEqual([`the postgres user can't pass through ${home}, so the lab keeps its data in ${chosen}`]);
  });

  it("uses a folder given with LAB_DATA_DIR as it is, or refuses it with the reason", async () => {
    const home = path.join(root, "home700b");
    await fs.mkdir(home, { recursive: true });
    await fs.chmod(home, 0o700);
    const config = loadConfig({ LAB_DATA_DIR: path.join(home, "lab") });
    await expect(reachableDataDir(config, stranger, () => {})).rejects.toThrow(`${home} is closed to it`);
    const open = loadConfig({ LAB_DATA_DIR: path.join(root, "open-lab") });
    await expect(reachableDataDir(open, stranger, () => {})).resolves.toBe(path.join(root, "open-lab"));
  });
});
