// Lesson 9's pitfall, for real (issue 16): two containers of the PostgreSQL image on one volume. The first
// server starts and writes its lock file, postmaster.pid, naming itself: PID 1, in its container. The second,
// in a container of its own, reads that file, finds PID 1 is itself (in its own PID namespace it is), takes the
// lock for stale, and starts on the same files. The demonstration shows both answering at once, then kills the
// second before it does more harm, and throws the volume away: it never touches a volume of the lab's.
import { docker, runProgram } from "./engine.ts";

const PGDATA = "/var/lib/postgresql/18/docker";
const READY_WAIT_MS = 90_000;

export interface PitfallOutcome {
  /** Both servers answered queries at the same moment, on the one volume. */
  bothRan: boolean;
  /** The first line of postmaster.pid as each server saw it once up: the PID the lock names. */
  lockPid: { first: string; second: string };
  /** When each server started (pg_postmaster_start_time()): two different servers. */
  started: { first: string; second: string };
  /** What each says its data directory is: the same. */
  dataDirectory: { first: string; second: string };
  /** The second server's log up to the moment it was killed. */
  secondLog: string;
}

type Say = (line: string) => void;

async function psql(container: string, sql: string): Promise<string | undefined> {
  const args = ["exec", container, "psql", "-U", "postgres", "-d", "postgres", "-Atc", sql];
  const answer = await runProgram("docker", args);
  return answer.code === 0 ? answer.stdout.trim() : undefined;
}

async function logs(container: string): Promise<string> {
  const output = await runProgram("docker", ["logs", container]);
  return `${output.stdout}${output.stderr}`;
}

/** Waits until the container's final server (after the image's initdb, if any) answers; rejects if it exits. */
async function answering(container: string): Promise<void> {
  const deadline = Date.now() + READY_WAIT_MS;
  while (Date.now() < deadline) {
    const state = await runProgram("docker", ["inspect", "--format", "{{.State.Running}}", container]);
    if (state.stdout.trim() !== "true")
      throw new Error(`${container} stopped:\n${(await logs(container)).slice(-2000)}`);
    const log = await logs(container);
    const initialising = log.includes("initdb") || log.includes("init process");
    const ready = !initialising || log.includes("init process complete");
    if (ready && (await psql(container, "SELECT 1")) === "1") return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(
    `${container} did not answer within ${READY_WAIT_MS / 1000} s:\n${(await logs(container)).slice(-2000)}`,
  );
}

/** Runs the demonstration with `image` (postgres:18 or a stand-in); removes all it made, even on failure. */
export async function sharedVolumePitfall(image: string, say: Say = () => {}): Promise<PitfallOutcome> {
  const tag = `rlab-pitfall-${process.pid}-${Date.now().toString(36)}`;
  const volume = `${tag}-data`;
  const [first, second] = [`${tag}-first`, `${tag}-second`];
  const run = (name: string) =>
    docker([
      "run",
      "-d",
      "--name",
      name,
      "--network",
      "none",
      "-e",
      "POSTGRES_PASSWORD=postgres",
      "-v",
      `${volume}:/var/lib/postgresql`,
      image,
    ]);
  try {
    await docker(["volume", "create", volume]);
    say(`first container, ${first}, on the volume ${volume}...`);
    await run(first);
    await answering(first);
    await psql(first, "CREATE TABLE written_by_the_first AS SELECT 1 AS n");
    const lockFirst = (await docker(["exec", first, "head", "-1", `${PGDATA}/postmaster.pid`])).trim();
    say(`  up; its postmaster.pid names PID ${lockFirst}`);
    say(`second container, ${second}, on the same volume...`);
    await run(second);
    await answering(second);
    const lockSecond = (await docker(["exec", second, "head", "-1", `${PGDATA}/postmaster.pid`])).trim();
    const [startedFirst, startedSecond, dirFirst, dirSecond] = await Promise.all([
      psql(first, "SELECT pg_postmaster_start_time()"),
      psql(second, "SELECT pg_postmaster_start_time()"),
      psql(first, "SHOW data_directory"),
      psql(second, "SHOW data_directory"),
    ]);
    const secondLog = await logs(second);
    // Killed, not stopped: a clean shutdown would write a checkpoint over the first server's files.
    await docker(["kill", second]);
    say(`  up too; its postmaster.pid names PID ${lockSecond}. Killed before it does more harm.`);
    return {
      bothRan: startedFirst !== undefined && startedSecond !== undefined,
      lockPid: { first: lockFirst, second: lockSecond },
      started: { first: startedFirst ?? "", second: startedSecond ?? "" },
      dataDirectory: { first: dirFirst ?? "", second: dirSecond ?? "" },
      secondLog,
    };
  } finally {
    await runProgram("docker", ["rm", "--force", first, second]);
    await runProgram("docker", ["volume", "rm", "--force", volume]);
  }
}
