// Docker mode's nodes are the containers of a compose project (compose/docker-compose-async.yml, brought up with
// `docker compose up -d`): the lab stops and starts them as `docker compose stop|start <node>` would, through
// the docker command, finding each by the labels Compose v1 and v2 both give their containers. Where the docker
// command is missing or refused (a user without access to the engine's socket), the lab says which command does
// it instead.
import { execFile } from "node:child_process";
import type { NodeName } from "../../shared/api-types.ts";
import { NotSupportedInMode } from "../errors.ts";

/** `docker stop` waits this long for a clean shutdown before it kills; the command itself a little longer. */
const STOP_SECONDS = 30;
const COMMAND_TIMEOUT_MS = (STOP_SECONDS + 15) * 1000;

export class ComposeContainers {
  constructor(
    readonly project: string,
    private readonly composeFile = "compose/docker-compose-async.yml",
  ) {}

  async stop(node: NodeName): Promise<void> {
    await this.docker(node, "stop", ["stop", "--time", String(STOP_SECONDS), await this.container(node, "stop")]);
  }

  async start(node: NodeName): Promise<void> {
    await this.docker(node, "start", ["start", await this.container(node, "start")]);
  }

  /** The command a person would run instead, for the lab's refusals. */
  command(node: NodeName, verb: "stop" | "start"): string {
    const project = this.project === "compose" ? "" : ` -p ${this.project}`;
    return `docker compose${project} -f ${this.composeFile} ${verb} ${node}`;
  }

  private async container(node: NodeName, verb: "stop" | "start"): Promise<string> {
    const labels = [`com.docker.compose.project=${this.project}`, `com.docker.compose.service=${node}`];
    const found = await this.docker(node, verb, [
      "ps",
      "-aq",
      ...labels.flatMap((label) => ["--filter", `label=${label}`]),
    ]);
    const ids = found.split("\n").filter(Boolean);
    if (ids.length !== 1) {
      const what = ids.length === 0 ? "no container" : `${ids.length} containers`;
      throw new NotSupportedInMode(
        `compose project "${this.project}" has ${what} for ${node} (set LAB_COMPOSE_PROJECT if you started it ` +
          `with -p): run "${this.command(node, verb)}".`,
      );
    }
    return ids[0]!;
  }

  private docker(node: NodeName, verb: "stop" | "start", args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile("docker", args, { timeout: COMMAND_TIMEOUT_MS }, (error, stdout, stderr) => {
        if (!error) return resolve(stdout.trim());
        const said = (stderr.trim() || error.message).split("\n")[0];
        reject(
          new NotSupportedInMode(`docker ${args[0]} failed (${said}): run "${this.command(node, verb)}".`, {
            cause: error,
          }),
        );
      });
    });
  }
}
