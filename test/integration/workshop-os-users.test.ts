// Workshop labs' OS users, one set per workshop folder and gone with their labs. Two hubs on one machine (two
// workshops, or a workshop and the test suite) both number their labs from 001: lab 001 of one must not run as the
// same OS user as lab 001 of the other, or one attendee's superuser SQL reads the other's lab. And a lab's user
// must not outlive its lab: discarded, deleted or ended with its workshop, the user goes too.
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../server/config.ts";
import type { LocalProvider } from "../../server/workshop/provision/local.ts";
import type { ProvidedLab } from "../../server/workshop/provider.ts";
import { HubStore } from "../../server/workshop/store/store.ts";
import { readWorkshopTag } from "../../server/workshop/workshop-tag.ts";
import { waitFor } from "../support/bridge.ts";
import {
  endAndListUsers,
  localProvider,
  processIdentity,
  sql,
  uidOf,
  workshopDir,
  workshopUsers,
} from "../support/workshop-labs.ts";

const run = promisify(execFile);

const dirs = { a: await workshopDir(), b: await workshopDir() };
const providers: Partial<Record<"a" | "b", LocalProvider>> = {};
const labs: Partial<Record<"a" | "b", ProvidedLab>> = {};

afterAll(async () => {
  for (const provider of Object.values(providers)) await provider.stop();
  for (const dir of Object.values(dirs)) {
    expect(await endAndListUsers(dir)).toEqual([]);
    await fs.rm(dir, { recursive: true, force: true });
  }
}, 120_000);

/** `npm run workshop -- --end ...` on the workshop in `dir`, with `answer` typed at its question. */
function endCommand(dir: string, args: string[], answer: string) {
  return new Promise<{ status: number | null; output: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", "server/workshop/main.ts", "--end", ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, LAB_WORKSHOP_DIR: dir } },
      (error, stdout, stderr) => resolve({ status: error ? (error.code as number) : 0, output: stdout + stderr }),
    );
    child.stdin?.end(answer);
  });
}

/** The uid lab `id`'s master server runs as, from its postmaster.pid and /proc. */
async function serverUid(provider: LocalProvider, id: string): Promise<number> {
  const lock = await fs.readFile(path.join(provider.labFolder(id), "master", "postmaster.pid"), "utf8");
  return (await processIdentity(Number.parseInt(lock, 10))).uid;
}

/** Whether the machine knows a user with this uid. */
async function uidExists(uid: number): Promise<boolean> {
  const passwd = await fs.readFile("/etc/passwd", "utf8");
  return passwd.split("\n").some((line) => line.split(":")[2] === String(uid));
}

describe("workshop labs' OS users", () => {
  it("runs lab 001 of two workshops as two OS users: one's superuser SQL can't read the other's lab", async () => {
    for (const name of ["a", "b"] as const) {
      providers[name] = await localProvider(dirs[name], { poolSize: 0, maxLabs: 2 });
      await providers[name].start([]);
    }
    const [a, b] = await Promise.all([providers.a!.acquire(), providers.b!.acquire()]);
    [labs.a, labs.b] = [a, b];
    expect([a.id, b.id]).toEqual(["001", "001"]);
    // Each workshop folder has a tag of its own, and its labs' users are named with it, within Linux's 32.
    const tags = [await readWorkshopTag(dirs.a), await readWorkshopTag(dirs.b)];
    expect(tags[0]).toMatch(/^[a-z0-9]{6}$/);
    expect(tags[1]).not.toBe(tags[0]);
    expect([providers.a!.labUser(a.id), providers.b!.labUser(b.id)]).toEqual(tags.map((tag) => `rlab-${tag}-001`));
    const bVersion = path.join(providers.b!.labFolder(b.id), "master", "PG_VERSION");
    await expect(sql(a.lab, "master", "SELECT pg_read_file($1)", [bVersion])).rejects.toMatchObject({
      code: "42501",
      message: expect.stringMatching(/: Permission denied$/),
    });
    await expect(
      sql(a.lab, "master", `COPY (SELECT 1) TO PROGRAM 'cat ${bVersion} > /dev/null'`),
    ).rejects.toMatchObject({ message: expect.stringMatching(/program "cat .*" failed/) });
    expect(await serverUid(providers.a!, a.id)).not.toBe(await serverUid(providers.b!, b.id));
  }, 240_000);

  it("removes a lab's OS user with its folder when the next start discards the lab", async () => {
    const uid = await serverUid(providers.a!, labs.a!.id);
    await providers.a!.stop();
    providers.a = await localProvider(dirs.a, { poolSize: 0, maxLabs: 2 });
    // Lab 001 was never recorded as handed out (no hub here): the restart discards it, folder and user.
    await providers.a.start([]);
    await expect(fs.access(providers.a.labFolder(labs.a!.id))).rejects.toThrow(/ENOENT/);
    expect(await uidExists(uid)).toBe(false);
  }, 120_000);

  it("keeps the tag across a restart: the same lab runs as the same user", async () => {
    const tag = await readWorkshopTag(dirs.b);
    const uid = await serverUid(providers.b!, labs.b!.id);
    await providers.b!.stop();
    providers.b = await localProvider(dirs.b, { poolSize: 0, maxLabs: 2 });
    await providers.b.start([labs.b!.id]);
    labs.b = await providers.b.get(labs.b!.id);
    expect(await readWorkshopTag(dirs.b)).toBe(tag);
    expect(await serverUid(providers.b, labs.b.id)).toBe(uid);
    expect(await uidOf(`rlab-${tag}-001`)).toBe(uid);
  }, 120_000);

  it("removes a deleted lab's servers, every process of its user, its folder and its user", async () => {
    const { id } = labs.b!;
    const uid = await serverUid(providers.b!, id);
    // A program the attendee's SQL left running in the background: it must not outlive the user.
    // It reads its input first: a shell that exits before the server has written its row fails the COPY (EPIPE).
    await sql(
      labs.b!.lab,
      "master",
      "COPY (SELECT 1) TO PROGRAM 'cat > /dev/null; setsid sleep 600 > /dev/null 2>&1 < /dev/null &'",
    );
    const commands = async () => (await run("ps", ["-u", String(uid), "-o", "comm="])).stdout.split("\n");
    // The shell that starts it returns at once: wait until the program runs under its own name.
    await waitFor(async () => (await commands()).includes("sleep"), 10_000);
    await providers.b!.remove(id);
    await expect(fs.access(providers.b!.labFolder(id))).rejects.toThrow(/ENOENT/);
    expect(await uidExists(uid)).toBe(false);
    const { stdout } = await run("ps", ["-e", "-o", "uid="]);
    expect(stdout.split("\n").map((line) => line.trim())).not.toContain(String(uid));
    // The id is not given again.
    expect((await providers.b!.acquire()).id).toBe("002");
  }, 120_000);

  it("npm run workshop -- --end asks first, then removes every lab, the hub's database and every user", async () => {
    // The hub's database too, as a hub makes it: its OS user is the workshop's as well.
    const store = await HubStore.open(dirs.b);
    await store.close();
    await providers.b!.stop();
    const tag = await readWorkshopTag(dirs.b);
    expect((await workshopUsers(dirs.b)).sort()).toEqual([`rlab-${tag}-002`, `rlab-${tag}-hub`]);

    const declined = await endCommand(dirs.b, [], "no\n");
    expect(declined.output).toContain(`Ending the workshop in ${dirs.b} for good removes:`);
    expect(declined.output).toContain(`2 OS users: rlab-${tag}-`);
    expect(declined.output).toContain("Nothing removed.");
    expect(declined.status).toBe(1);
    expect(await workshopUsers(dirs.b)).toHaveLength(2);
    await fs.access(path.join(dirs.b, "hub", "pgdata"));

    const ended = await endCommand(dirs.b, [], "end\n");
    expect(ended.output, ended.output).toContain("The workshop is ended");
    expect(ended.status).toBe(0);
    expect(await osUsersWith(tag!)).toEqual([]);
    await expect(fs.access(dirs.b)).rejects.toThrow(/ENOENT/);
    // A second time finds nothing to end.
    await fs.mkdir(dirs.b, { recursive: true });
    expect((await endCommand(dirs.b, ["--yes"], "")).output).toContain("nothing to end");
  }, 180_000);

  it("won't end a workshop whose hub is running", async () => {
    const store = await HubStore.open(dirs.a);
    try {
      const refused = await endCommand(dirs.a, ["--yes"], "");
      expect(refused.output).toMatch(/is running .*Stop its hub \(Ctrl\+C\) first/s);
      expect(refused.status).toBe(1);
      // Nothing was removed: the hub's database still answers.
      expect(await store.assignedLabs()).toEqual([]);
    } finally {
      await store.close();
    }
  }, 120_000);
});

/** The machine's users named rlab-<tag>-. */
async function osUsersWith(tag: string): Promise<string[]> {
  const passwd = await fs.readFile("/etc/passwd", "utf8");
  return passwd.split("\n").filter((line) => line.startsWith(`rlab-${tag}-`));
}
