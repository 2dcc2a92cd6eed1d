// A second bridge in a process of its own, in front of the test lab's nodes (external mode): for the tests
// that must watch the bridge's own memory (its RSS is that process's alone), read what it prints on stderr,
// or see whether it survives at all.
import { inject } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import { NODE_NAMES } from "../../shared/api-types.ts";
import { nodeUrl } from "./bridge.ts";
import { tempDir } from "./temp-dir.ts";

export const CHILD_TOKEN = "child-bridge-token-0123456789";

export interface ChildBridge {
  url: string;
  /** Its LAB_DATA_DIR, where it writes bridge.json. */
  dataDir: string;
  pid: number;
  /** Everything the bridge printed on stdout (what npm start shows) and on stderr so far. */
  stdout: () => string;
  stderr: () => string;
  /** Null while the process runs; its exit code or signal once it ended. */
  exited: () => string | null;
  /** The process's peak resident set size so far (VmHWM), in bytes. */
  peakRss: () => Promise<number>;
  call: (path: string, body?: unknown) => Promise<{ status: number; json: any; text: string }>;
  stop: () => Promise<void>;
}

export async function startChildBridge(env: Record<string, string> = {}): Promise<ChildBridge> {
  const dataDir = await tempDir("child-bridge");
  const urls = Object.fromEntries(NODE_NAMES.map((name) => [`LAB_${name.toUpperCase()}_URL`, nodeUrl(name)]));
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    env: {
      ...process.env,
      ...urls,
      LAB_MODE: "external",
      LAB_DATA_DIR: dataDir,
      LAB_TOKEN: CHILD_TOKEN,
      // Long enough for the server to build a 600 MB value on a loaded machine.
      LAB_STATEMENT_TIMEOUT: "60000",
      PORT: "0",
      // The test run's site, built by its global setup: a child never builds one of its own (a minute or more).
      LAB_SITE_DIR: inject("siteDir"),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let exited: string | null = null;
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  child.once("exit", (code, signal) => (exited = signal ?? `code ${code}`));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the child bridge did not start:\n${stdout}\n${stderr}`)), 60_000);
    const look = () => {
      const found = /Open (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      } else if (exited) {
        clearTimeout(timer);
        reject(new Error(`the child bridge exited (${exited}):\n${stdout}\n${stderr}`));
      } else setTimeout(look, 50);
    };
    look();
  });
  const pid = child.pid!;
  return {
    url,
    dataDir,
    pid,
    stdout: () => stdout,
    stderr: () => stderr,
    exited: () => exited,
    async peakRss() {
      const status = await fs.readFile(`/proc/${pid}/status`, "utf8");
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
      return kb * 1024;
    },
    async call(path, body) {
      const response = await fetch(`${url}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: {
          Authorization: `Bearer ${CHILD_TOKEN}`,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      let json: any = null;
      try {
        json = JSON.parse(text);
      } catch {}
      return { status: response.status, json, text };
    },
    async stop() {
      if (!exited) {
        const gone = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await gone;
      }
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
