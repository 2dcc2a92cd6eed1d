// Starts one real embedded lab (four PostgreSQL servers) and the bridge in front of it, on free ports in a
// temp folder, for the whole test run. Test files reach them over HTTP and by port.
import fs from "node:fs/promises";
import type { TestProject } from "vitest/node";
import path from "node:path";
import { createApp } from "../../server/app.ts";
import { buildSiteIfNeeded } from "../../server/build-site.ts";
import { loadConfig, PROJECT_ROOT } from "../../server/config.ts";
import type { EmbeddedLab } from "../../server/lab/embedded/index.ts";
import { createLab } from "../../server/lab/index.ts";
import { listen } from "../../server/listen.ts";
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
  const lab = createLab(config);
  // The browser tests and the page checks need the built site; build it alongside the lab's start. If either
  // fails, the run ends before any teardown: the servers already started must be stopped here, or they outlive it.
  const [started, built] = await Promise.allSettled([
    lab.start(),
    buildSiteIfNeeded(config.siteDir, (line) => console.log(line), TEST_SITE_BUILD),
  ]);
  if (started.status === "rejected" || built.status === "rejected") {
    await lab.stop().catch(() => {});
    await fs.rm(dataDir, { recursive: true, force: true });
    throw started.status === "rejected" ? started.reason : (built as PromiseRejectedResult).reason;
  }
  let port = 0;
  const { handler, upgrade, close } = createApp({ ...config, lab, port: () => port });
  const listening = await listen(handler, 0, upgrade);
  port = listening.port;
  project.provide("bridgeUrl", `http://127.0.0.1:${port}`);
  project.provide("bridgePort", port);
  project.provide("token", TEST_TOKEN);
  project.provide("pgPorts", Object.fromEntries(lab.status().nodes.map((node) => [node.name, node.port])));
  project.provide("rowLimit", config.rowLimit);
  project.provide("siteDir", config.siteDir);
  project.provide("pgPassword", lab.endpoint("master").password);
  project.provide("labDataDir", (lab as EmbeddedLab).dataDir);
  return async () => {
    await new Promise((resolve) => listening.server.close(resolve));
    await close();
    await lab.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
