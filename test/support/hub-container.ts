// The hub's image for the tests: built from the project's Dockerfile on the stand-in for node:20
// (scripts/docker/base-images.ts), and run as deploy/kubernetes/'s Deployment runs it: its arguments, its
// environment, its user and fsGroup, its volumes at their mount paths. Only what the test machine needs differs: the
// host's network (the labs listen on the host's loopback) and a free port instead of 4321.
import fs from "node:fs/promises";
import path from "node:path";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSecurityContext } from "kubernetes-models/v1/PodSecurityContext";
import type { IVolume } from "kubernetes-models/v1/Volume";
import { PROJECT_ROOT } from "../../server/config.ts";
import { nodeBase, NODE_BASE, imageLabel } from "../../scripts/docker/base-images.ts";
import { docker, dockerEngine, runProgram } from "../../scripts/docker/engine.ts";

export const HUB_TEST_IMAGE = "replication-lab:test";
/** Every build of the test image carries it, so that the builds it replaces can be pruned, and nothing else. */
const TEST_LABEL = "org.replication-lab.test=hub-image";

/** Why the Docker tests can't run on this machine, or undefined when an engine answers and the base can be had. */
export async function dockerUnavailable(say: (line: string) => void): Promise<string | undefined> {
  const engine = await dockerEngine(say);
  if (engine.unavailable) return engine.unavailable;
  const haveBase = process.env["LAB_DOCKER_NODE_IMAGE"] || (await imageLabel(NODE_BASE, "")) !== undefined;
  if (!haveBase && process.getuid?.() !== 0) {
    return `the engine has no ${NODE_BASE}, and building it (debootstrap) needs root: run the tests as root once.`;
  }
  return undefined;
}

/**
 * Builds the hub's image on LAB_DOCKER_NODE_IMAGE (the official node:20-bookworm-slim where a registry answers)
 * or the stand-in, and drops the test image's earlier builds. Resolves with the seconds each step took.
 */
export async function buildHubImage(say: (line: string) => void): Promise<{ base: number; build: number }> {
  let started = performance.now();
  const base = process.env["LAB_DOCKER_NODE_IMAGE"] || (await nodeBase(say));
  const baseSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  // The host's network for npm ci: the engine's default bridge needs NAT rules that not every machine allows.
  const args = ["build", "--force-rm", "--network", "host", "--build-arg", `BASE_IMAGE=${base}`, "--label", TEST_LABEL];
  await docker([...args, "-t", HUB_TEST_IMAGE, PROJECT_ROOT]);
  const buildSeconds = (performance.now() - started) / 1000;
  await runProgram("docker", ["image", "prune", "--force", "--filter", `label=${TEST_LABEL}`]);
  return { base: baseSeconds, build: buildSeconds };
}

/** The Deployment's pod as the container runs it: its security context, its one container, its volumes. */
export interface HubPod {
  securityContext: IPodSecurityContext;
  container: IContainer;
  volumes: IVolume[];
}

export interface HubFolders {
  /** Mounted where the Deployment mounts the inventory Secret, read-only, holding inventory.yaml. */
  inventoryDir: string;
  /** Mounted where the Deployment mounts the hub's volume. */
  dataDir: string;
}

/**
 * The folders as Kubernetes hands them to the pod: the Secret's file root's, group fsGroup, mode 0440 (the
 * Deployment's defaultMode); the volume's top folder group fsGroup, group-writable and setgid, as kubelet makes it.
 */
export async function podFolders(pod: HubPod, folders: HubFolders): Promise<void> {
  const group = pod.securityContext.fsGroup!;
  const mode = pod.volumes.find((volume) => volume.name === "inventory")!.secret!.defaultMode!;
  await fs.chown(folders.inventoryDir, 0, group);
  await fs.chmod(folders.inventoryDir, 0o750);
  await fs.chown(path.join(folders.inventoryDir, "inventory.yaml"), 0, group);
  await fs.chmod(path.join(folders.inventoryDir, "inventory.yaml"), mode);
  await fs.chown(folders.dataDir, 0, group);
  await fs.chmod(folders.dataDir, 0o2770);
}

/** The Deployment's arguments with --listen on the host's loopback at `port` (the network is the host's). */
export function argsOnPort(container: IContainer, port: number): string[] {
  const args = [...(container.args ?? [])];
  const at = args.indexOf("--listen");
  if (at < 0) throw new Error("the Deployment's arguments have no --listen");
  args[at + 1] = `127.0.0.1:${port}`;
  return args;
}

/** Starts the hub's container as the pod would run; resolves with the container's name. */
export async function runHub(name: string, pod: HubPod, folders: HubFolders, port: number): Promise<string> {
  const { securityContext: security, container } = pod;
  const mountOf = (volume: string) => container.volumeMounts!.find((mount) => mount.name === volume)!.mountPath;
  const args = ["run", "--detach", "--name", name, "--network", "host"];
  args.push("--user", `${security.runAsUser}:${security.runAsGroup}`, "--group-add", String(security.fsGroup));
  if (container.securityContext?.allowPrivilegeEscalation === false) args.push("--security-opt", "no-new-privileges");
  for (const capability of container.securityContext?.capabilities?.drop ?? []) args.push("--cap-drop", capability);
  for (const variable of container.env ?? []) args.push("--env", `${variable.name}=${variable.value}`);
  args.push("--volume", `${folders.inventoryDir}:${mountOf("inventory")}:ro`);
  args.push("--volume", `${folders.dataDir}:${mountOf("data")}`);
  await docker([...args, HUB_TEST_IMAGE, ...argsOnPort(container, port)]);
  return name;
}

/** What the container has printed so far, stdout and stderr. */
export async function logsOf(name: string): Promise<string> {
  const output = await runProgram("docker", ["logs", name]);
  return output.stdout + output.stderr;
}

/** Waits until the hub in the container prints its join code; rejects with its output if the container ends. */
export async function hubStarted(name: string, timeoutMs = 120_000): Promise<{ code: string; passphrase: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const output = await logsOf(name);
    const code = /Join code:\s+(\S+)/.exec(output)?.[1];
    const passphrase = /Passphrase:\s+(\S+)/.exec(output)?.[1];
    if (code && passphrase) return { code, passphrase };
    const running = (await docker(["inspect", "--format", "{{.State.Running}}", name])).trim();
    if (running !== "true" || Date.now() > deadline) {
      throw new Error(`the hub's container ${running === "true" ? "did not start in time" : "ended"}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Removes the container, running or not; never rejects (a teardown must go on). */
export async function removeContainer(name: string): Promise<void> {
  await runProgram("docker", ["rm", "--force", name]);
}
