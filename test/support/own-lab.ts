// A lab of a test's own, beside the global one: in its own data folder, on free ports, serving the test site,
// with the test's token; `env` adds settings (LAB_PG_VERSIONS...) or replaces these.
import { loadConfig } from "../../server/config.ts";
import { startLab, type StartedLab, type StartLabOptions } from "../../server/start-lab.ts";
import { TEST_SITE_DIR } from "./global-lab.ts";
import { freeBase } from "./temp-dir.ts";

export async function startOwnLab(
  dataDir: string,
  token: string,
  env: Record<string, string> = {},
  options: StartLabOptions & { ports?: number } = {},
): Promise<StartedLab> {
  const { ports = 4, ...startOptions } = options;
  const config = loadConfig({
    LAB_DATA_DIR: dataDir,
    LAB_PG_PORT: String(await freeBase(ports)),
    LAB_TOKEN: token,
    PORT: "0",
    LAB_SITE_DIR: TEST_SITE_DIR,
    ...env,
  });
  return startLab(config, startOptions);
}
