// The local driver's warm pool when a lab fails to start: the failure is told with its reason, and the pool
// tries again in the background rather than staying short until the next attendee arrives. Labs start a few at a
// time, and a hub that stops begins none of those still in line.
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LocalProvider } from "../../server/workshop/provision/local.ts";
import { waitFor } from "../support/bridge.ts";
import { endAndListUsers, localProvider, workshopDir } from "../support/workshop-labs.ts";

const dir = await workshopDir();
const stoppingDir = await workshopDir();
let provider: LocalProvider | undefined;

afterAll(async () => {
  await provider?.stop();
  // The workshop's labs go, with every OS user named with its tag.
  expect(await endAndListUsers(dir)).toEqual([]);
  await fs.rm(dir, { recursive: true, force: true });
  expect(await endAndListUsers(stoppingDir)).toEqual([]);
  await fs.rm(stoppingDir, { recursive: true, force: true });
}, 120_000);

describe("the warm pool", () => {
  it("tells why a lab did not start and starts another in its place", async () => {
    // Lab 002's folder can't be made: a file holds its name (a start discards only folders of earlier runs).
    await fs.mkdir(path.join(dir, "labs"), { recursive: true });
    await fs.writeFile(path.join(dir, "labs", "002"), "in the way");
    const notes: string[] = [];
    provider = await localProvider(dir, { poolSize: 2, maxLabs: 3, startSlots: 1, note: (text) => notes.push(text) });
    await provider.start([]);
    await waitFor(async () => provider!.status().ready === 2, 120_000);
    expect(notes.filter((note) => note.startsWith("lab 002 did not start: "))).toHaveLength(1);
    expect(notes.join("\n")).toMatch(/lab 002 did not start: .*(EEXIST|ENOTDIR|exists|not a directory)/);
    // The two ready labs are 001 and 003, each handed out whole.
    const labs = [await provider.acquire(), await provider.acquire()];
    expect(labs.map((lab) => lab.id).sort()).toEqual(["001", "003"]);
    expect(labs.every((lab) => lab.lab.status().nodes.every((node) => node.state === "up"))).toBe(true);
  }, 180_000);

  it("begins no start still in line when the hub stops, and says nothing of the labs it didn't start", async () => {
    const notes: string[] = [];
    const stopping = await localProvider(stoppingDir, {
      poolSize: 4,
      maxLabs: 4,
      startSlots: 1,
      note: (text) => notes.push(text),
    });
    await stopping.start([]);
    expect(stopping.status()).toMatchObject({ starting: 4 });
    await stopping.stop();
    // Only the first lab, started at once, has a folder: the three in line were never begun.
    expect(await fs.readdir(path.join(stoppingDir, "labs"))).toEqual(["001"]);
    expect(notes).toEqual([]);
  }, 120_000);
});
