// The project's compose file (compose/docker-compose-async.yml) driven from code, for the docker-mode tests and
// `npm run docker:pitfall`: with Compose v2 (`docker compose`) where the CLI has it, else v1 (`docker-compose`),
// under a project name of the caller's, with LAB_PG_IMAGE naming the image (the stand-in where no registry
// answers). `up -d` returns before the last server has finished initdb: `healthy()` waits for the healthchecks.
import path from "node:path";
import { PROJECT_ROOT } from "../../server/config.ts";
import { NODE_NAMES, type NodeName } from "../../shared/api-types.ts";
import { onPath, runProgram, type Output } from "./engine.ts";

export const COMPOSE_FILE = path.join(PROJECT_ROOT, "compose/docker-compose-async.yml");

export interface ComposeCli {
  command: string;
  /** The arguments before compose's own: ["compose"] for v2, [] for v1. */
  prefix: string[];
  /** What `version` said, e.g. "docker-compose version 1.29.2". */
  version: string;
}

/** Compose v2 when `docker compose` answers, else v1's docker-compose, else undefined. */
export async function composeCli(): Promise<ComposeCli | undefined> {
  const v2 = await runProgram("docker", ["compose", "version"]);
  if (v2.code === 0) return { command: "docker", prefix: ["compose"], version: v2.stdout.trim().split("\n")[0]! };
  if (!onPath("docker-compose")) return undefined;
  const v1 = await runProgram("docker-compose", ["version", "--short"]);
  return v1.code === 0
    ? { command: "docker-compose", prefix: [], version: `docker-compose ${v1.stdout.trim()}` }
    : undefined;
}

export class ComposeProject {
  constructor(
    readonly cli: ComposeCli,
    readonly name: string,
    private readonly image: string,
  ) {}

  /** Runs compose with these arguments; rejects with compose's own words when it fails. */
  async run(args: string[]): Promise<Output> {
    const output = await runProgram(
      this.cli.command,
      [...this.cli.prefix, "-p", this.name, "-f", COMPOSE_FILE, ...args],
      {
        env: { ...process.env, LAB_PG_IMAGE: this.image },
      },
    );
    if (output.code !== 0) {
      const said = (output.stderr.trim() || output.stdout.trim()).split("\n").slice(-15).join("\n");
      throw new Error(
        `${this.cli.command} ${[...this.cli.prefix, ...args].join(" ")} failed (${output.code}):\n${said}`,
      );
    }
    return output;
  }

  /** The container that runs a service, e.g. rlab-test_master_1 (v1) or rlab-test-master-1 (v2). */
  async container(service: NodeName): Promise<string> {
    const id = (await this.run(["ps", "-q", service])).stdout.trim();
    if (!id) throw new Error(`compose project ${this.name} has no container for ${service}`);
    return id;
  }

  /** Each node's healthcheck state: "healthy", "starting", "unhealthy", or "exited" for a stopped container. */
  async health(): Promise<Record<NodeName, string>> {
    const states = await Promise.all(
      NODE_NAMES.map(async (name) => {
        const id = (await this.run(["ps", "-q", name])).stdout.trim();
        if (!id) return "missing";
        const health = "{{if .State.Health}}{{.State.Health.Status}}{{else}}running{{end}}";
        const format = `{{if .State.Running}}${health}{{else}}exited{{end}}`;
        return (await runProgram("docker", ["inspect", "--format", format, id])).stdout.trim();
      }),
    );
    return Object.fromEntries(NODE_NAMES.map((name, i) => [name, states[i]])) as Record<NodeName, string>;
  }

  /** Waits until every node (or those named) passes its healthcheck. */
  async healthy(nodes: readonly NodeName[] = NODE_NAMES, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const health = await this.health();
      if (nodes.every((name) => health[name] === "healthy")) return;
      if (Date.now() > deadline) {
        const logs = await Promise.all(
          nodes
            .filter((name) => health[name] !== "healthy")
            .map(async (name) => `${name}:\n${(await this.run(["logs", "--tail", "15", name])).stdout.trim()}`),
        );
        throw new Error(`compose project ${this.name} not healthy: ${JSON.stringify(health)}\n${logs.join("\n")}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Removes the containers, the network and the volumes: nothing of the project is left. */
  async down(): Promise<void> {
    await this.run(["down", "--volumes", "--remove-orphans", "--timeout", "10"]);
  }
}
