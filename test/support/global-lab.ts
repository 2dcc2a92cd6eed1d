// Starts one real embedded lab (four PostgreSQL servers) and the bridge in front of it (server/start-lab.ts), on
// free ports in a temp folder, for the whole test run, with the built site that the browser tests and the page
// checks need. Test files reach them over HTTP and by port.
import fs from "node:fs/promises";
import type { TestProject } from "vitest/node";
import path from "node:path";
import { loadConfig, PROJECT_ROOT } from "../../server/config.ts";
import { startLab } from "../../server/start-lab.ts";
import { freeBase, tempDir } from "./temp-dir.ts";

export const TEST_TOKEN = "test-token-0123456789abcdef";

/**
 * The test run's site: the product's pages and the browser tests' fixture pages (test/fixtures/site/), built into
 * a folder of its own so that the product's dist/ is never one with test pages, and each build is kept until its
 * sources change.
 */
export const TEST_SITE_DIR = path.join(PROJECT_ROOT, "dist-test");
const TEST_SITE_BUILD = { env: { LAB_TEST_FIXTURES: "1" }, sources: ["test/fixtures/site"] };

declare module "vitest" {
  export interface ProvidedContext {
    bridgeUrl: string;
    bridgePort: number;
    token: string;
    pgPorts: Record<string, number>;
    /** The superuser's password on every node: the lab makes its own (server/lab/embedded/password.ts). */
    pgPassword: string;
    /** The folder holding the lab's nodes, password file and logs. */
    labDataDir: string;
    rowLimit: number;
    /** The built site the bridge serves (TEST_SITE_DIR), for tests that serve it from a static host instead. */
    siteDir: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = await tempDir("lab-test");
  const config = loadConfig({
    LAB_DATA_DIR: dataDir,
    LAB_PG_PORT: String(await freeBase()),
    LAB_TOKEN: TEST_TOKEN,
    LAB_STATEMENT_TIMEOUT: "3000",
    LAB_ROW_LIMIT: "500",
    PORT: "0",
    LAB_SITE_DIR: TEST_SITE_DIR,
  });
  // A failed start has stopped what it started; the run ends before any teardown, so the folder goes here.
  const building = { buildSite: (line: string) => console.log(line), siteBuild: TEST_SITE_BUILD };
  const started = await startLab(config, building).catch(async (error) => {
    await fs.rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const { lab, url, port } = started;
  const local = lab.localServers();
  if (!local) {
    await started.stop();
    throw new Error(`the test lab is an embedded one, whose servers run here; it is ${lab.mode}`);
  }
  project.provide("bridgeUrl", url);
  project.provide("bridgePort", port);
  project.provide("token", TEST_TOKEN);
  project.provide("pgPorts", Object.fromEntries(lab.status().nodes.map((node) => [node.name, node.port])));
  project.provide("rowLimit", config.rowLimit);
  project.provide("siteDir", config.siteDir);
  project.provide("pgPassword", lab.endpoint("master").password);
  project.provide("labDataDir", local.dataDir);
  return async () => {
    await started.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
