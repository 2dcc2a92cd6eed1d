// Why two containers on one volume both start, shown without harm: on a throwaway cluster (never a lab node's
// data), the lock file is made to name the process that starts the next server, its parent, as a container's
// PID 1 names the starting server itself. PostgreSQL's CreateLockFile (miscinit.c) takes a lock file naming the
// starting server, its parent or its grandparent as stale without checking whether that process runs; what
// still stops the second server here is the shared-memory check, which separate IPC namespaces defeat.
import fs from "node:fs/promises";
import path from "node:path";
import type { LockFileParentPidOutcome } from "../../../shared/api-types.ts";
import type { Binaries } from "./binaries.ts";
import { LAB_USER } from "../../config.ts";
import { LabError } from "../../errors.ts";
import { Cluster } from "./cluster.ts";
import { nextFreePort } from "./ports.ts";
import type { RunAs } from "./postgres-user.ts";

export interface ScratchOptions {
  binaries: Binaries;
  runAs: RunAs | undefined;
  /** A folder the postgres user can reach; the scratch cluster is made in a new folder inside it and removed. */
  parentDir: string;
  /** Two free ports: the scratch server's, and the one the second server is told to use. */
  ports: [number, number];
  user: string;
  password: string;
}

const LOCK_FILE_EXISTS = /lock file "postmaster\.pid" already exists/;
const SHARED_MEMORY_IN_USE = /pre-existing shared memory block \(key \d+, ID \d+\) is still in use/;

/** One demonstration at a time: each makes a cluster and takes two ports. */
let running: Promise<unknown> = Promise.resolve();

export function tryLockFileNamingParent(options: ScratchOptions): Promise<LockFileParentPidOutcome> {
  const next = running.then(() => demonstrate(options));
  running = next.catch(() => {});
  return next;
}

async function demonstrate(options: ScratchOptions): Promise<LockFileParentPidOutcome> {
  const { binaries, runAs, parentDir, ports, user, password } = options;
  const folder = await fs.mkdtemp(path.join(parentDir, "scratch-"));
  if (runAs) await fs.chown(folder, runAs.uid, runAs.gid);
  const dataDir = path.join(folder, "data");
  const cluster = new Cluster({
    name: "scratch",
    dataDir,
    logFile: path.join(folder, "server.log"),
    binaries,
    runAs,
    user,
    password,
  });
  const said: string[] = [];
  try {
    await cluster.initialise();
    await cluster.start(ports[0]);
    const pidFile = path.join(dataDir, "postmaster.pid");
    const original = await fs.readFile(pidFile, "utf8");
    const [serverPid, ...rest] = original.split("\n");
    said.push(
      `A scratch cluster in ${dataDir}, started: its postmaster.pid names PID ${serverPid}, the running server.`,
    );
    // Every server the bridge starts is its child: the bridge's PID is the next server's parent PID.
    await fs.writeFile(pidFile, [String(process.pid), ...rest].join("\n"));
    said.push(`postmaster.pid's first line rewritten to ${process.pid}, the PID of the second server's parent.`);
    said.push(`A second server on the same folder answers:`);
    const second = await cluster.startSecond(ports[1]);
    said.push(second.output);
    // Put the file back, so that the scratch server shuts down as it would have (it re-reads it every minute).
    await fs.writeFile(pidFile, original);
    return {
      pidCheckPassed: !LOCK_FILE_EXISTS.test(second.output),
      sharedMemoryRefused: SHARED_MEMORY_IN_USE.test(second.output),
      output: said.join("\n"),
    };
  } finally {
    await cluster.stop();
    await fs.rm(folder, { recursive: true, force: true });
  }
}

/**
 * The demonstration as the lab runs it: on two free ports above master's, as the lab's superuser; a scratch
 * cluster that could not be made is said to be one.
 */
export async function scratchLockDemo(
  cluster: Pick<ScratchOptions, "binaries" | "runAs" | "parentDir">,
  ports: Readonly<Record<string, number>> & { master: number },
  password: string,
): Promise<LockFileParentPidOutcome> {
  const taken = new Set(Object.values(ports));
  const first = await nextFreePort(ports.master + 200, taken);
  const second = await nextFreePort(first + 1, taken);
  try {
    return await tryLockFileNamingParent({ ...cluster, ports: [first, second], user: LAB_USER, password });
  } catch (error) {
    if (!(error instanceof LabError)) throw error;
    throw new LabError(`The scratch cluster could not be made: ${error.message}`, { cause: error });
  }
}
