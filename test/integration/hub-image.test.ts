// The hub's container image (the project's Dockerfile), built against a real Docker engine and run as
// deploy/kubernetes/'s Deployment runs it, in inventory mode, against a lab started here: everything below goes
// through the container's port. Where no engine can be had (not root, none installed), each test says why and is
// reported skipped; npm test's pre-test check installs the engine where CI runs (root on Debian).
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { parseAllDocuments } from "yaml";
import { NODE_NAMES } from "../../shared/api-types.ts";
import { loadConfig } from "../../server/config.ts";
import { EmbeddedLab } from "../../server/lab/embedded/index.ts";
import type { Endpoint } from "../../server/lab/lab.ts";
import { workshopFiles } from "../../deploy/kubernetes/workshop-files.ts";
import { docker } from "../../scripts/docker/engine.ts";
import { join, labCall, request, sql, TEST_PASSPHRASE, type Attendee } from "../support/hub-client.ts";
import {
  argsOnPort,
  buildHubImage,
  dockerUnavailable,
  hubStarted,
  HUB_TEST_IMAGE,
  logsOf,
  podFolders,
  removeContainer,
  runHub,
  type HubFolders,
  type HubPod,
} from "../support/hub-container.ts";
import { freeBase, tempDir } from "../support/temp-dir.ts";

const say = (line: string) => console.log(line);
let unavailable: string | undefined;
let lab: EmbeddedLab | undefined;
let pod: HubPod;
let port = 0;
let started = { code: "", passphrase: "" };
const folders: HubFolders = { inventoryDir: "", dataDir: "" };
const labDir = { path: "" };
const containers: string[] = [];
/** The attendee who joins through the first container, and comes back through the second. */
let ada: Attendee | undefined;

function url({ host, port: at, user, password, database }: Endpoint): string {
  return `postgres://${user}:${encodeURIComponent(password)}@${host}:${at}/${database}`;
}

/** The Deployment the generator writes, for one lab: its pod is what the container is run as. */
function deploymentPod(): HubPod {
  const files = workshopFiles({
    labs: 1,
    hubImage: HUB_TEST_IMAGE,
    publicHost: "workshop.test",
    hubNamespace: "rlab-hub",
    storage: "1Gi",
    serviceType: "ClusterIP",
  });
  const deployment = parseAllDocuments(files.get("hub.yaml")!)
    .map((document) => document.toJS())
    .find((manifest) => manifest.kind === "Deployment");
  const spec = deployment.spec.template.spec;
  return { securityContext: spec.securityContext, container: spec.containers[0], volumes: spec.volumes };
}

/** Starts a container of the hub on the test's folders and waits for its join code. */
async function startHub(): Promise<void> {
  const name = `rlab-hub-test-${process.pid}-${containers.length + 1}`;
  containers.push(name);
  await runHub(name, pod, folders, port);
  started = await hubStarted(name);
}

function needsDocker(context: TestContext): void {
  if (unavailable) context.skip(`Docker can't run here: ${unavailable}`);
}

beforeAll(async () => {
  unavailable = await dockerUnavailable(say);
  if (unavailable) {
    console.warn(`hub-image.test.ts: the hub's image is not built or run, because ${unavailable}`);
    return;
  }
  const took = await buildHubImage(say);
  say(`hub image: base ${took.base.toFixed(1)} s, build ${took.build.toFixed(1)} s`);
  labDir.path = await tempDir("hub-image-lab");
  lab = new EmbeddedLab(loadConfig({ LAB_DATA_DIR: labDir.path, LAB_PG_PORT: String(await freeBase()) }));
  await lab.start();
  folders.inventoryDir = await tempDir("hub-image-inventory");
  folders.dataDir = await tempDir("hub-image-data");
  const lines = ["labs:", "  - id: lab-1", ...NODE_NAMES.map((name) => `    ${name}: ${url(lab!.endpoint(name))}`)];
  await fs.writeFile(path.join(folders.inventoryDir, "inventory.yaml"), lines.join("\n") + "\n");
  pod = deploymentPod();
  await podFolders(pod, folders);
  port = await freeBase(1);
  await startHub();
}, 1_500_000);

afterAll(async () => {
  for (const name of containers) await removeContainer(name);
  await lab?.stop();
  for (const dir of [labDir.path, folders.inventoryDir, folders.dataDir]) {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  }
});

describe("the hub's image, run as the Kubernetes Deployment runs it", () => {
  it(
    "is the Deployment's command, user, port and state folder; " + "the hub and its PostgreSQL run as that user",
    async (context) => {
      needsDocker(context);
      const config = JSON.parse(await docker(["image", "inspect", "--format", "{{json .Config}}", HUB_TEST_IMAGE]));
      const { securityContext, container } = pod;
      expect(config.User).toBe(`${securityContext.runAsUser}:${securityContext.runAsGroup}`);
      expect(config.Entrypoint).toEqual(["node", "--import", "tsx", "server/workshop/main.ts"]);
      expect(Object.keys(config.ExposedPorts)).toEqual([`${container.ports![0]!.containerPort}/tcp`]);
      const stateDir = container.volumeMounts!.find((mount) => mount.name === "data")!.mountPath;
      expect(container.env).toEqual([{ name: "LAB_WORKSHOP_DIR", value: stateDir }]);
      expect(config.Env).toContain(`LAB_WORKSHOP_DIR=${stateDir}`);
      // Every process in the container, the hub's own postmaster and its backends included, is the image's user.
      const top = await docker(["top", containers[0]!, "-eo", "pid,uid,args"]);
      const rows = top.trim().split("\n").slice(1);
      expect(rows.some((row) => /postgres/.test(row))).toBe(true);
      expect(rows.map((row) => row.trim().split(/\s+/)[1])).toEqual(rows.map(() => String(securityContext.runAsUser)));
      // The hub's database is on the volume, a folder PostgreSQL accepts (0700), the user's.
      const pgdata = await fs.stat(path.join(folders.dataDir, "hub", "pgdata"));
      expect([pgdata.uid, pgdata.mode & 0o777]).toEqual([securityContext.runAsUser, 0o700]);
      // The probes' request, as kubelet sends it (only the port differs here): the join page, 200.
      const probe = container.readinessProbe!.httpGet!;
      const host = probe.httpHeaders!.find((header) => header.name === "Host")!.value.replace(/:\d+$/, `:${port}`);
      const answer = await request(port, { path: probe.path!, headers: { Host: host, Origin: undefined } });
      expect(answer.status).toBe(200);
      expect(argsOnPort(container, port)).toEqual(["--listen", `127.0.0.1:${port}`, ...container.args!.slice(2)]);
    },
  );

  it(
    "through the container's port: the join page answers, " +
      "and an attendee joins and runs a cell on their lab's master",
    async (context) => {
      needsDocker(context);
      const page = await request(port, { path: "/join", headers: { Origin: undefined } });
      expect(page.status).toBe(200);
      expect(page.headers["content-type"]).toMatch(/^text\/html/);
      ada = await join(port, started.code, "Ada");
      expect(ada.lab).toBe("lab-1");
      const cell = await sql(port, ada, "SELECT current_setting('data_directory') AS dir, inet_server_port() AS port");
      expect(cell.status, JSON.stringify(cell.json)).toBe(200);
      const [dir, at] = cell.json.results[0].rows[0];
      expect(await fs.realpath(dir)).toBe(await fs.realpath(path.join(labDir.path, "master")));
      expect(Number(at)).toBe(lab!.endpoint("master").port);
      // The inventory lists one lab, so a second joiner is refused.
      const bo = await request(port, {
        path: "/workshop/join",
        method: "POST",
        body: { code: started.code, name: "Bo" },
      });
      expect([bo.status, bo.json.error.code]).toEqual([503, "LAB11"]);
    },
  );

  it("the instructor's pages need the passphrase the hub printed in its log", async (context) => {
    needsDocker(context);
    const status = await request(port, { path: "/workshop/instructor/status" });
    expect([status.status, status.json.error.code]).toEqual([401, "LAB13"]);
    const login = (passphrase: string) =>
      request(port, { path: "/workshop/instructor/login", method: "POST", body: { passphrase } });
    expect((await login(TEST_PASSPHRASE)).status).toBe(403);
    const right = await login(started.passphrase);
    expect(right.status).toBe(200);
    const cookie = right.headers["set-cookie"]![0]!.split(";")[0]!;
    const seen = await request(port, { path: "/workshop/instructor/status", headers: { Cookie: cookie } });
    expect(seen.status).toBe(200);
    expect(seen.json.attendees).toEqual([expect.objectContaining({ name: "Ada", lab: "lab-1" })]);
  });

  it(
    "stopped (SIGTERM) and started again on the same volume, " + "the hub gives the attendee back their lab",
    async (context) => {
      needsDocker(context);
      expect(ada, "the attendee of the test before").toBeDefined();
      const first = containers.at(-1)!;
      await docker(["stop", "--time", "30", first]);
      expect((await docker(["inspect", "--format", "{{.State.ExitCode}}", first])).trim()).toBe("0");
      expect(await logsOf(first)).toContain("Stopped. Every lab's data and every session are kept");
      await removeContainer(first);
      await startHub();
      const me = await labCall(port, ada!, "/workshop/me");
      expect([me.status, me.json.name, me.json.lab]).toEqual([200, "Ada", "lab-1"]);
      const cell = await sql(port, ada!, "SELECT 1 + 1 AS two");
      expect(cell.json.results[0].rows).toEqual([["2"]]);
    },
  );
});
