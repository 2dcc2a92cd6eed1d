// Workshop mode's local labs run each lab's servers as an OS user of its own, which only root can do: the
// provider refuses to start otherwise, saying why and what to do. Run as another user (nobody) to see it.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const NOBODY = 65_534;
/** As root, the child runs as nobody; as anyone else, as that user: either way not as root. */
const asRoot = process.getuid?.() === 0;
const uid = asRoot ? NOBODY : process.getuid?.();

const START = `
import { LocalProvider } from "./server/workshop/provision/local.ts";
import { loadConfig } from "./server/config.ts";
const config = loadConfig({});
const provider = new LocalProvider({ workshopDir: "/nonexistent", poolSize: 1, maxLabs: 1, basePort: 30000, config });
await provider.start([]).then(() => console.log("started"), (error) => console.log(error.name + ": " + error.message));
`;

describe("the local lab provider, not run as root", () => {
  it("refuses to start, saying why and what to do", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", START], {
      cwd: ROOT,
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: "/nonexistent" },
    });
    expect(stdout.trim()).toBe(
      "LabError: Workshop mode's local labs run each lab's PostgreSQL servers as an OS user of its own " +
        "(rlab-<tag>-<id>), so that one attendee's superuser SQL can't read another's lab; only root can start " +
        `processes as other users, and the hub runs as uid ${uid}. Start the hub as root (sudo npm run workshop), ` +
        "or use the inventory driver with labs run elsewhere.",
    );
  });
});
