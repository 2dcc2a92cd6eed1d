import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { PROJECT_ROOT } from "../../server/config.ts";
import { readBridgeFile, writeBridgeFile } from "../../server/bridge-file.ts";
import { query } from "../support/bridge.ts";
import { startChildBridge } from "../support/child-bridge.ts";
import { setUpReplication } from "../support/replication.ts";
import { tempDir } from "../support/temp-dir.ts";

const run = promisify(execFile);

describe("npm run load", () => {
  let dataDir: string;
  beforeAll(async () => {
    await setUpReplication();
    // What npm start leaves for it: the running bridge's address and token.
    dataDir = await tempDir("load-cli");
    await writeBridgeFile(dataDir, inject("bridgeUrl"), inject("token"));
  }, 60_000);

  it("runs a load against the running lab, with progress, a k6-style summary and the verdict", async () => {
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "load/cli.ts", "--requests", "600", "--concurrency", "10"],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, LAB_DATA_DIR: dataDir },
      },
    );
    expect(stdout).toContain(`POST ${inject("bridgeUrl")}/async-users: 600 requests, 10 at a time`);
    expect(stdout).toMatch(/\[=+>\s*\]\s+100%\s+600\/600/);
    expect(stdout).toMatch(/http_reqs\.+: 600 {2}\d+\/s/);
    expect(stdout).toMatch(
      /http_req_duration\.+: avg=[\d.]+ms p\(50\)=[\d.]+ms p\(95\)=[\d.]+ms p\(99\)=[\d.]+ms max=[\d.]+ms/,
    );
    expect(stdout).toContain("http_req_failed.........: 0.00%  0 out of 600");
    expect(stdout).toContain("✓ Nothing lost: 600 acknowledged writes, and every node has them.");
    expect(stdout).toMatch(/slave3 +\+600 +caught up \d+ ms after the last acknowledged write/);
  });

  it(
    "says, in the page's words, " + "that a follower with no subscription never received the rows, and exits 1",
    async () => {
      const { error } = await query("slave3", "DROP SUBSCRIPTION sub_slave3");
      expect(error).toBeUndefined();
      try {
        const attempt = run(
          process.execPath,
          ["--import", "tsx", "load/cli.ts", "--requests", "200", "--concurrency", "10"],
          {
            cwd: PROJECT_ROOT,
            env: { ...process.env, LAB_DATA_DIR: dataDir },
          },
        );
        const failed = (await attempt.then(
          () => expect.unreachable("npm run load exited 0"),
          (failure: unknown) => failure,
        )) as { code: number; stdout: string };
        expect(failed.code).toBe(1);
        expect(failed.stdout).toContain(
          "✗ slave3 is not subscribed to userpub, so it never received these rows: lesson 5 creates its subscription " +
            "(or use “Start this lesson from a known state” at the top of lesson 6's page).\n  Nothing was lost: " +
            "master, slave1 and slave2 have all 200 acknowledged writes.",
        );
        expect(failed.stdout).toMatch(/slave3 +\+0 +200 rows behind master: not subscribed to userpub/);
        expect(failed.stdout).toMatch(/slave1 +\+200 +caught up \d+ ms after the last acknowledged write/);
      } finally {
        await setUpReplication();
      }
    },
    120_000,
  );

  it("tells a bridge.json left by a bridge that was killed from a running lab's", async () => {
    // The file a killed bridge leaves: its address and token still work (another bridge answers there), but
    // the process that wrote it is gone.
    const stale = await tempDir("load-cli-stale");
    const gone = spawnSync(process.execPath, ["-e", ""]).pid!;
    await fs.writeFile(
      path.join(stale, "bridge.json"),
      JSON.stringify({ url: inject("bridgeUrl"), token: inject("token"), pid: gone }),
    );
    const attempt = run(process.execPath, ["--import", "tsx", "load/cli.ts", "--requests", "10"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, LAB_DATA_DIR: stale },
    });
    await expect(attempt).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`left by a lab that is no longer running (pid ${gone};`),
    });
    await fs.rm(stale, { recursive: true, force: true });
  });

  it("finds a lab of this checkout started with another LAB_DATA_DIR, without being told", async () => {
    // The learner's own .lab must not have a running bridge, or npm run load rightly talks to that one.
    const own = await readBridgeFile(path.join(PROJECT_ROOT, ".lab"));
    expect(own.kind, "stop the npm start of this checkout's .lab before running this test").not.toBe("running");
    const other = await startChildBridge();
    try {
      const env = { ...process.env };
      delete env["LAB_DATA_DIR"];
      const { stdout } = await run(
        process.execPath,
        ["--import", "tsx", "load/cli.ts", "--requests", "20", "--concurrency", "2"],
        { cwd: PROJECT_ROOT, env },
      );
      expect(stdout).toContain(
        `Using the lab whose data is in ${path.relative(PROJECT_ROOT, other.dataDir)} (started with LAB_DATA_DIR).`,
      );
      expect(stdout).toContain(`POST ${other.url}/async-users: 20 requests, 2 at a time`);
    } finally {
      await other.stop();
    }
  }, 120_000);

  it("says how to start the lab when none is running", async () => {
    const empty = await tempDir("load-cli-none");
    const attempt = run(process.execPath, ["--import", "tsx", "load/cli.ts"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, LAB_DATA_DIR: empty },
    });
    await expect(attempt).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("Start it first: npm start"),
    });
    await fs.rm(empty, { recursive: true, force: true });
    await fs.rm(path.join(dataDir), { recursive: true, force: true });
  });
});
