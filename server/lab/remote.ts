import { NODE_NAMES, type NodeName } from "../../shared/api-types.ts";
import { LAB_DATABASE, LAB_PASSWORD, LAB_USER, type Config } from "../config.ts";
import { Lab, type Endpoint } from "./lab.ts";

/**
 * Nodes the lab doesn't own: it connects to them, watches their state, and leaves starting and stopping to
 * whoever runs them. Docker mode is this with the compose file's addresses.
 */
export class RemoteLab extends Lab {
  constructor(
    readonly mode: "docker" | "external",
    private readonly endpoints: Record<NodeName, Endpoint>,
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
    return this.mode === "docker" && reason.includes("ECONNREFUSED")
      ? `${reason}: is it running? docker compose -f compose/docker-compose-async.yml up -d`
      : reason;
  }

  async start(): Promise<void> {
    await Promise.all(NODE_NAMES.map((name) => this.probe(name)));
    this.watch();
  }

  async stop(): Promise<void> {
    this.unwatch();
  }

  startNode(name: NodeName): Promise<void> {
    return this.refuse(name, "start");
  }

  stopNode(name: NodeName): Promise<void> {
    return this.refuse(name, "stop");
  }

  private async refuse(name: NodeName, verb: "start" | "stop"): Promise<never> {
    this.refuseNodeControl(
      name,
      this.mode === "docker"
        ? `run "docker compose -f compose/docker-compose-async.yml ${verb} ${name}".`
        : `the nodes run elsewhere; ${verb} ${name} where it runs.`,
    );
  }
}

export function dockerLab(config: Config): RemoteLab {
  const endpoints = Object.fromEntries(
    NODE_NAMES.map((name, i) => [
      name,
      { host: "127.0.0.1", port: config.pgPort + i, user: LAB_USER, password: LAB_PASSWORD, database: LAB_DATABASE },
    ]),
  ) as Record<NodeName, Endpoint>;
  return new RemoteLab("docker", endpoints);
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
