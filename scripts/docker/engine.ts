// A Docker engine for the tests that build and run images (the hub's image; docker mode's compose file): the one
// already running when there is one, otherwise Debian's dockerd started in the background with its defaults and
// left running, so that the next run (and other test files) find it at once. Only root can start an engine; a
// machine where none answers and none can be started gets a sentence saying why, which the tests print.
import { spawn } from "node:child_process";
import { accessSync, closeSync, constants, openSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";

export interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end, with `input` on its stdin; never rejects (a program that can't start is code 127). */
export function runProgram(
  command: string,
  args: string[],
  options: { input?: NodeJS.ReadableStream | string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Output> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdin.on("error", () => {});
    if (typeof options.input === "string") child.stdin.end(options.input);
    else if (options.input) options.input.pipe(child.stdin);
    else child.stdin.end();
    child.once("error", (error) => resolve({ code: 127, stdout, stderr: `${stderr}${error.message}` }));
    child.once("close", (code, signal) =>
      resolve({ code: code ?? 128, stdout, stderr: signal ? `${stderr}killed by ${signal}` : stderr }),
    );
  });
}

/** `docker ARGS`; rejects with docker's own message when it fails. */
export async function docker(args: string[], options: { input?: NodeJS.ReadableStream | string; cwd?: string } = {}) {
  const output = await runProgram("docker", args, options);
  if (output.code !== 0) {
    const said = (output.stderr.trim() || output.stdout.trim()).split("\n").slice(-15).join("\n");
    throw new Error(`docker ${args.slice(0, 3).join(" ")} ... failed (${output.code}):\n${said}`);
  }
  return output.stdout;
}

export function onPath(name: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(path.delimiter)) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return path.join(dir, name);
    } catch {}
  }
  return undefined;
}

async function answers(): Promise<boolean> {
  return (await runProgram("docker", ["info", "--format", "{{.ServerVersion}}"])).code === 0;
}

/** Where the engine this module starts writes its log (dockerd is chatty; the file says why a start failed). */
export const ENGINE_LOG = "/var/log/replication-lab-dockerd.log";
const START_WAIT_MS = 60_000;

/** Why no engine can be had on this machine, or undefined when one answers `docker info` (started if need be). */
export async function dockerEngine(say: (line: string) => void = () => {}): Promise<{ unavailable?: string }> {
  if (!onPath("docker")) return { unavailable: missing("the docker command") };
  if (await answers()) return {};
  if (process.getuid?.() !== 0) {
    return {
      unavailable:
        "no Docker engine answers (docker info fails), and only root can start one: run the tests as root, " +
        "or start dockerd and give this user access to its socket.",
    };
  }
  const dockerd = onPath("dockerd");
  if (!dockerd) return { unavailable: missing("dockerd") };
  say(`  docker: starting dockerd in the background (log: ${ENGINE_LOG})`);
  const logFile = openSync(ENGINE_LOG, "a");
  // Detached and unreferenced: the engine outlives this process, so a later run (or another test file) finds it.
  const child = spawn(dockerd, [], { detached: true, stdio: ["ignore", logFile, logFile] });
  closeSync(logFile);
  let exited: number | null = null;
  child.once("exit", (code) => (exited = code ?? 128));
  child.once("error", () => (exited = 127));
  child.unref();
  const deadline = Date.now() + START_WAIT_MS;
  // Ours may exit at once because another process started an engine at the same moment (the pid file is taken):
  // that one answers soon. An engine that exited with none answering failed, and its log says why.
  let exitedAt: number | undefined;
  while (Date.now() < deadline) {
    if (await answers()) return {};
    if (exited !== null) exitedAt ??= Date.now();
    if (exitedAt !== undefined && Date.now() - exitedAt > 10_000) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const log = (await readFile(ENGINE_LOG, "utf8").catch(() => "")).trim().split("\n").slice(-10).join("\n");
  const how = exited === null ? `did not answer within ${START_WAIT_MS / 1000} s` : `exited (${exited})`;
  throw new Error(`dockerd ${how}; the end of its log, ${ENGINE_LOG}:\n${log}`);
}

function missing(what: string): string {
  return (
    `${what} is not installed. On Debian or Ubuntu, as root: apt-get install -y docker.io debootstrap ` +
    "(npm test's pre-test check does this where it runs as root)."
  );
}
