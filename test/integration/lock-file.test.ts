// Lesson 9's account of why containers sharing a volume both start: PostgreSQL takes a lock file that names
// the starting server's parent (or the server itself, PID 1 in a container) as stale, and only the
// shared-memory check, which separate IPC namespaces defeat, is left to refuse it.
import fs from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { LockFileParentPidOutcome } from "../../shared/api-types.ts";
import { call, direct } from "../support/bridge.ts";

/** Processes whose command line names the folder: a server left behind would show here. */
async function processesUsing(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await fs.readdir("/proc")).filter((name) => /^\d+$/.test(name))) {
    const command = await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (command.includes(folder)) found.push(`${pid}: ${command.replaceAll("\0", " ")}`);
  }
  return found;
}

describe("a lock file that names the second server's parent, on a scratch cluster", () => {
  it(
    "gets the second server past the PID check; " + "the shared-memory check refuses it; nothing is left behind",
    async () => {
      const masterBefore = await direct("master", "SELECT pg_postmaster_start_time()::text AS started");
      const { status, json } = await call("/api/lab/scratch/lock-file-parent-pid", {});
      expect(status).toBe(200);
      const outcome = json as LockFileParentPidOutcome;
      expect(outcome.output).not.toContain('lock file "postmaster.pid" already exists');
      expect(outcome.output).toMatch(/FATAL: {2}pre-existing shared memory block \(key \d+, ID \d+\) is still in use/);
      expect(outcome.output).toMatch(
        /HINT: {2}Terminate any old server processes associated with data directory ".*scratch-\w+\/data"\./,
      );
      expect(outcome).toMatchObject({ pidCheckPassed: true, sharedMemoryRefused: true });

      const folder = /A scratch cluster in (\S+)\/data, started/.exec(outcome.output)?.[1];
      expect(folder).toBeDefined();
      await expect(fs.access(folder!)).rejects.toThrow();
      expect(await processesUsing(folder!)).toEqual([]);
      // The lab's own nodes were never involved.
      expect(await direct("master", "SELECT pg_postmaster_start_time()::text AS started")).toEqual(masterBefore);
    },
    60_000,
  );

  it("lets one demonstration finish before the next starts, so that two at once both hold", async () => {
    const answers = await Promise.all([1, 2].map(() => call("/api/lab/scratch/lock-file-parent-pid", {})));
    for (const { status, json } of answers) {
      expect(status).toBe(200);
      expect(json).toMatchObject({ pidCheckPassed: true, sharedMemoryRefused: true });
    }
  }, 60_000);
});
