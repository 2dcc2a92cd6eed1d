import { NODE_NAMES, type NodeName } from "../../shared/api-types.ts";
import { LAB_DATABASE, LAB_PASSWORD, LAB_USER, type Config } from "../config.ts";
import { LabError } from "../errors.ts";
import { ComposeContainers } from "./compose-containers.ts";
import { Lab, type Endpoint } from "./lab.ts";

/** How long a started container's server has to answer (initdb has been done; recovery may run). */
const START_WAIT_MS = 60_000;

/**
 * Nodes the lab doesn't own: it connects to them and watches their state. Docker mode is this with the compose
 * file's addresses, and stops and starts a node's container when a lesson asks (`containers`); external nodes
 * are started and stopped by whoever runs them.
 */
export class RemoteLab extends Lab {
  constructor(
    readonly mode: "docker" | "external",
    private readonly endpoints: Record<NodeName, Endpoint>,
    private readonly containers?: ComposeContainers,
  ) {
    super();
    for (const name of NODE_NAMES) {
      const { host, port } = endpoints[name];
      this.statuses.set(name, {
        name,
        state: "starting",
        version: null,
        host,
        port,
        walLevel: null,
        detail: "connecting",
      });
    }
  }

  endpoint(name: NodeName): Endpoint {
    return this.endpoints[name];
  }

  /** Inside the compose network, containers reach each other by service name on PostgreSQL's own port. */
  protected override peerConninfo(name: NodeName): string {
    if (this.mode !== "docker") return super.peerConninfo(name);
    const { user, password, database } = this.endpoint(name);
    return `host=${name} port=5432 user=${user} password=${password} dbname=${database}`;
  }

  protected override explain(name: NodeName, error: unknown): string {
    const reason = super.explain(name, error);
    return this.containers && reason.includes("ECONNREFUSED")
      ? `${reason}: is it running? ${this.containers.command(name, "start")}`
      : reason;
  }

  async start(): Promise<void> {
    await Promise.all(NODE_NAMES.map((name) => this.probe(name)));
    this.watch();
  }

  async stop(): Promise<void> {
    this.unwatch();
  }

  async startNode(name: NodeName): Promise<void> {
    if (!this.containers) return this.refuse(name, "start");
    if (this.node(name).state === "up") return;
    this.update(name, { state: "starting", detail: `docker start (compose project ${this.containers.project})` });
    try {
      await this.containers.start(name);
    } catch (error) {
      await this.probe(name);
      throw error;
    }
    const deadline = Date.now() + START_WAIT_MS;
    while (!(await this.probe(name))) {
      if (Date.now() > deadline) {
        throw new LabError(
          `${name}'s container started, but its server did not answer within 60 s: ${this.node(name).error}`,
        );
      }
      // Until it answers, the node is starting, not down: the probe's "down" is the server still getting up.
      this.update(name, { state: "starting", detail: "waiting for the server in its container" });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async stopNode(name: NodeName): Promise<void> {
    if (!this.containers) return this.refuse(name, "stop");
    this.update(name, { state: "stopping" });
    try {
      await this.containers.stop(name);
    } finally {
      await this.probe(name);
    }
  }

  private async refuse(name: NodeName, verb: "start" | "stop"): Promise<never> {
    this.refuseNodeControl(name, `the nodes run elsewhere; ${verb} ${name} where it runs.`);
  }
}

export function dockerLab(config: Config): RemoteLab {
  const endpoints = Object.fromEntries(
    NODE_NAMES.map((name, i) => [
      name,
      { host: "127.0.0.1", port: config.pgPort + i, user: LAB_USER, password: LAB_PASSWORD, database: LAB_DATABASE },
    ]),
  ) as Record<NodeName, Endpoint>;
  return new RemoteLab("docker", endpoints, new ComposeContainers(config.composeProject));
}

export function externalLab(config: Config): RemoteLab {
  const urls = Object.fromEntries(NODE_NAMES.map((name) => [name, config.urls[name] ?? ""]));
  return externalLabAt(urls as Record<NodeName, string>);
}

/** An external lab from its four connection strings (workshop mode's inventory lists labs as these). */
export function externalLabAt(urls: Readonly<Record<NodeName, string>>): RemoteLab {
  const endpoints = Object.fromEntries(NODE_NAMES.map((name) => [name, parseUrl(urls[name])])) as Record<
    NodeName,
    Endpoint
  >;
  return new RemoteLab("external", endpoints);
}

function parseUrl(connectionString: string): Endpoint {
  const url = new URL(connectionString);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || LAB_USER),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1) || LAB_DATABASE),
    connectionString,
  };
}
