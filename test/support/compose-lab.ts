// Docker mode's lab for the tests: the project's compose file brought up under a project name of the test's, on
// the stand-in image (scripts/docker/postgres-image.ts) unless LAB_DOCKER_PG_IMAGE names another (postgres:18
// where a registry answers), and the bridge started in LAB_MODE=docker in front of it, as `LAB_MODE=docker npm
// start` would. The tests reach the nodes only through the ports the compose file publishes on 127.0.0.1.
import net from "node:net";
import { loadConfig } from "../../server/config.ts";
import { startLab, type StartedLab } from "../../server/start-lab.ts";
import type { NodeName } from "../../shared/api-types.ts";
import type { Post } from "../../shared/lessons/replay.ts";
import { composeCli, ComposeProject } from "../../scripts/docker/compose.ts";
import { dockerEngine, onPath } from "../../scripts/docker/engine.ts";
import { postgresImage } from "../../scripts/docker/postgres-image.ts";

/** The ports compose/docker-compose-async.yml publishes, master's first. */
export const COMPOSE_PORTS = [55432, 55433, 55434, 55435] as const;

/** Why the docker-mode tests can't run here, or undefined. In CI (CI set) there is no such reason: they fail. */
export async function composeUnavailable(say: (line: string) => void): Promise<string | undefined> {
  const engine = await dockerEngine(say);
  if (engine.unavailable) return engine.unavailable;
  if (!(await composeCli())) {
    return "neither `docker compose` (v2) nor `docker-compose` (v1) is installed: apt-get install -y docker-compose";
  }
  if (!process.env["LAB_DOCKER_PG_IMAGE"] && !onPath("debootstrap") && process.getuid?.() !== 0) {
    return "the stand-in image needs debootstrap and root to build once: run the tests as root";
  }
  return undefined;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

export interface ComposeLab {
  project: ComposeProject;
  bridge: StartedLab;
  post: Post;
  /** The bridge's GET, for /api/lab. */
  get: <T>(path: string) => Promise<T>;
  /** The bridge's API token, which the lab's pages hold. */
  token: string;
  stop: () => Promise<void>;
}

/** Brings the compose file's four nodes up (healthy) and the bridge in docker mode in front of them. */
export async function composeLab(name: string, siteDir: string, say: (line: string) => void): Promise<ComposeLab> {
  const taken = [];
  for (const port of COMPOSE_PORTS) if (!(await portFree(port))) taken.push(port);
  if (taken.length > 0) {
    throw new Error(`The compose file's ports ${taken.join(", ")} are taken on 127.0.0.1: stop what holds them.`);
  }
  const cli = (await composeCli())!;
  const image = process.env["LAB_DOCKER_PG_IMAGE"] || (await postgresImage(say));
  const project = new ComposeProject(cli, name, image);
  await project.down().catch(() => {});
  await project.run(["up", "-d"]);
  try {
    await project.healthy();
    const token = "docker-mode-test-token-0123456789";
    const env = { LAB_MODE: "docker", PORT: "0", LAB_TOKEN: token, LAB_COMPOSE_PROJECT: name, LAB_SITE_DIR: siteDir };
    const bridge = await startLab(loadConfig(env));
    const request = async <T>(path: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${bridge.url}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: body === undefined ? null : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text}`);
      return JSON.parse(text) as T;
    };
    const stop = async () => {
      await bridge.stop();
      await project.down();
    };
    return { project, bridge, post: request, get: (path) => request(path), token, stop };
  } catch (error) {
    await project.down().catch(() => {});
    throw error;
  }
}

/** Waits until the bridge sees `node` in `state` (its watch looks at docker nodes every few seconds). */
export async function nodeState(lab: ComposeLab, node: NodeName, state: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await lab.get<{ nodes: { name: string; state: string }[] }>("/api/lab");
    if (status.nodes.find((n) => n.name === node)?.state === state) return;
    if (Date.now() > deadline) throw new Error(`${node} is not ${state}: ${JSON.stringify(status.nodes)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
