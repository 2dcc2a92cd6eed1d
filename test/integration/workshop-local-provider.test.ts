// Workshop mode's `local` driver with real labs: a warm pool that hands a lab out at once and refills, a cap
// past which it says the workshop is full, labs whose servers run as an OS user of their own with the per-lab
// limits, parked labs that come back with their data, and a hub restart that finds its attendees' labs again.
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WorkshopFull } from "../../server/errors.ts";
import type { LocalProvider } from "../../server/workshop/provision/local.ts";
import type { ProvidedLab } from "../../server/workshop/provider.ts";
import { waitFor } from "../support/bridge.ts";
import { endAndListUsers, localProvider, processIdentity, sql, uidOf, workshopDir } from "../support/workshop-labs.ts";

const dir = await workshopDir();
let provider: LocalProvider;
let first: ProvidedLab;

afterAll(async () => {
  await provider?.stop();
  // The workshop's labs and hub go, with every OS user named with its tag.
  expect(await endAndListUsers(dir)).toEqual([]);
  await fs.rm(dir, { recursive: true, force: true });
}, 120_000);

describe("the local lab provider", () => {
  it("starts the warm pool, hands out a ready lab at once and refills in the background", async () => {
    provider = await localProvider(dir, { poolSize: 1, maxLabs: 2 });
    await provider.start([]);
    expect(provider.status()).toMatchObject({ ready: 0, starting: 1, assigned: 0, capacityLeft: 2 });
    await waitFor(async () => provider.status().ready === 1, 90_000);
    first = await provider.acquire();
    expect(provider.status()).toMatchObject({ ready: 0, starting: 1, assigned: 1, capacityLeft: 1 });
    expect(first.lab.status().nodes.every((node) => node.state === "up")).toBe(true);
    await sql(first.lab, "master", "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('before parking')");
  }, 120_000);

  it("runs each lab's servers as its own OS user, in a folder of mode 0700 owned by it, with the limits", async () => {
    const uid = await uidOf(provider.labUser(first.id));
    const folder = await fs.stat(provider.labFolder(first.id));
    expect({ uid: folder.uid, mode: folder.mode & 0o777 }).toEqual({ uid, mode: 0o700 });
    const lock = await fs.readFile(path.join(provider.labFolder(first.id), "slave2", "postmaster.pid"), "utf8");
    const pid = Number.parseInt(lock, 10);
    // The server process keeps no group of the hub's (root's): spawning as another user drops them.
    expect(await processIdentity(pid)).toEqual({ uid, groups: "" });
    const settings = await sql(
      first.lab,
      "master",
      `SELECT name, setting, unit FROM pg_settings
        WHERE name IN ('max_connections', 'shared_buffers', 'work_mem', 'statement_timeout', 'temp_file_limit')
        ORDER BY name`,
    );
    expect(settings).toEqual([
      { name: "max_connections", setting: "30", unit: null },
      { name: "shared_buffers", setting: "2048", unit: "8kB" },
      { name: "statement_timeout", setting: "60000", unit: "ms" },
      { name: "temp_file_limit", setting: "262144", unit: "kB" },
      { name: "work_mem", setting: "4096", unit: "kB" },
    ]);
    // The lab's password is the hub's to read: root's, mode 0600.
    const password = await fs.stat(path.join(provider.labFolder(first.id), "password"));
    expect({ uid: password.uid, mode: password.mode & 0o777 }).toEqual({ uid: 0, mode: 0o600 });
  });

  it("says the workshop is full past maxLabs", async () => {
    await waitFor(async () => provider.status().ready === 1, 90_000);
    const second = await provider.acquire();
    expect(second.id).not.toBe(first.id);
    expect(provider.status()).toMatchObject({ ready: 0, starting: 0, assigned: 2, capacityLeft: 0 });
    await expect(provider.acquire()).rejects.toBeInstanceOf(WorkshopFull);
  }, 120_000);

  it("parks an idle lab, servers stopped and data kept, and starts it again on get", async () => {
    await provider.park(first.id);
    expect(provider.status()).toMatchObject({ assigned: 1, parked: 1 });
    expect(first.lab.status().nodes.every((node) => node.state === "down")).toBe(true);
    // Two requests of the returning attendee at once start it once.
    const [again, also] = await Promise.all([provider.get(first.id), provider.get(first.id)]);
    expect(again.lab).toBe(first.lab);
    expect(also.lab).toBe(first.lab);
    expect(await sql(again.lab, "master", "SELECT note FROM kept")).toEqual([{ note: "before parking" }]);
  }, 120_000);

  it("after a hub restart, gives the assigned labs back with their data and discards the rest", async () => {
    await provider.stop();
    // A pool lab of the earlier run, never handed out: its folder must not reach a new attendee.
    const leftover = "099";
    await fs.mkdir(provider.labFolder(leftover), { recursive: true });
    provider = await localProvider(dir, { poolSize: 0, maxLabs: 3 });
    await provider.start([first.id]);
    expect(provider.status()).toMatchObject({ ready: 0, starting: 0, assigned: 0, parked: 1, capacityLeft: 2 });
    await expect(fs.access(provider.labFolder(leftover))).rejects.toThrow(/ENOENT/);
    const back = await provider.get(first.id);
    expect(await sql(back.lab, "master", "SELECT note FROM kept")).toEqual([{ note: "before parking" }]);
    // New labs are numbered past every folder there was, so no id is ever given twice.
    const next = await provider.acquire();
    expect(Number(next.id)).toBeGreaterThan(Number(leftover));
  }, 180_000);
});
