// The lab and the bridge in front of it, started in one place for everyone who needs both: `npm start`
// (server/main.ts), the test run (test/support/global-lab.ts), the benchmarks and `npm run record`
// (bench/fixture.ts). What is about a terminal (lines printed, signals, bridge.json) stays with the caller.
import { createApp } from "./app.ts";
import { buildSiteIfNeeded, type SiteBuildOptions } from "./build-site.ts";
import type { Config } from "./config.ts";
import { createLab } from "./lab/index.ts";
import type { Lab } from "./lab/lab.ts";
import { listen, BRIDGE_HOST } from "./listen.ts";

export interface StartLabOptions {
  /** Given the lab before it starts, so that its first events ("starting", notes) are heard. */
  watch?: (lab: Lab) => void;
  /** When given, the site is built (if out of date) alongside the lab's start, saying its progress here. */
  buildSite?: (line: string) => void;
  /** How the site is built when it is: the test run adds its fixture pages (test/fixtures/site/). */
  siteBuild?: SiteBuildOptions;
  /** A build of the site already under way (npm start begins it first), awaited alongside the lab's start. */
  site?: Promise<void>;
}

export interface StartedLab {
  lab: Lab;
  /** Where the bridge listens, e.g. http://127.0.0.1:4321. */
  url: string;
  port: number;
  /** Ends the live feeds and connections, closes the bridge, then stops the lab's nodes. */
  stop: () => Promise<void>;
}

/**
 * Starts the lab from `config`, builds the site alongside when asked, and listens on `config.bridgePort` (0 for
 * any free port). A failure at any point stops whatever had started before it is thrown: servers left running
 * would outlive the process and hold the lab's ports.
 */
export async function startLab(config: Config, options: StartLabOptions = {}): Promise<StartedLab> {
  const lab = createLab(config);
  options.watch?.(lab);
  const say = options.buildSite;
  const [started, built] = await Promise.allSettled([
    lab.start(),
    options.site ?? (say ? buildSiteIfNeeded(config.siteDir, say, options.siteBuild) : Promise.resolve()),
  ]);
  if (started.status === "rejected" || built.status === "rejected") {
    await lab.stop().catch(() => {});
    throw started.status === "rejected" ? started.reason : (built as PromiseRejectedResult).reason;
  }
  let port = config.bridgePort;
  const app = createApp({ ...config, lab, port: () => port });
  let listening: Awaited<ReturnType<typeof listen>>;
  try {
    listening = await listen(app.handler, config.bridgePort, app.upgrade);
  } catch (error) {
    await app.close().catch(() => {});
    await lab.stop().catch(() => {});
    throw error;
  }
  port = listening.port;
  const { server } = listening;
  const stop = async () => {
    // Live feeds (server-sent events) and open consoles would hold the server open: end them.
    server.closeAllConnections();
    await Promise.allSettled([new Promise<void>((resolve) => server.close(() => resolve())), app.close()]);
    await lab.stop();
  };
  return { lab, url: `http://${BRIDGE_HOST}:${port}`, port, stop };
}
