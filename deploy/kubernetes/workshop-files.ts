// What npm run workshop:k8s writes (generate.ts is the command): per lab a file of its manifests, the hub's
// manifests, and the hub's inventory file listing every lab's four connection strings (the nodes' Service names).
// Each lab gets a random password of its own, so a second run writes new passwords: apply a folder once, or keep
// it.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { NODE_NAMES } from "../../shared/api-types.ts";
import { CliError } from "../../server/errors.ts";
import { hubManifests, type HubSpec } from "./hub-manifests.ts";
import { labManifests, nodeHost, PG_PORT, type LabSpec } from "./lab-manifests.ts";

export interface WorkshopOptions {
  labs: number;
  hubImage: string;
  publicHost: string;
  hubNamespace: string;
  storage: string;
  storageClass?: string;
  serviceType: HubSpec["serviceType"];
}

export interface GeneratedLab {
  id: string;
  password: string;
}

/** Lab ids sort as they are handed out: lab-01 ... lab-99, lab-001 ... past that. */
export function labIds(count: number): string[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => `lab-${String(i + 1).padStart(width, "0")}`);
}

/** The inventory file: the hub's list of labs, each as the four connection strings external mode takes. */
export function inventoryYaml(labs: readonly GeneratedLab[]): string {
  const head = "# Written by npm run workshop:k8s: the labs the hub hands out, in this order.\n";
  const entries = labs.map(({ id, password }) => ({
    id,
    ...Object.fromEntries(
      NODE_NAMES.map((node) => [node, `postgres://postgres:${password}@${nodeHost(id, node)}:${PG_PORT}/replication`]),
    ),
  }));
  return head + stringify({ labs: entries }, { lineWidth: 0 });
}

/** Every file to write, by name, as text: one per lab, the hub's, and the inventory. */
export function workshopFiles(options: WorkshopOptions, password = newPassword): Map<string, string> {
  const labs = labIds(options.labs).map((id) => ({ id, password: password() }));
  const inventory = inventoryYaml(labs);
  const files = new Map<string, string>();
  for (const lab of labs) {
    const spec: LabSpec = { ...lab, storage: options.storage, hubNamespace: options.hubNamespace };
    if (options.storageClass) spec.storageClass = options.storageClass;
    files.set(`labs/${lab.id}.yaml`, documents(labManifests(spec)));
  }
  const hub: HubSpec = {
    namespace: options.hubNamespace,
    image: options.hubImage,
    publicHost: options.publicHost,
    inventory,
    serviceType: options.serviceType,
  };
  if (options.storageClass) hub.storageClass = options.storageClass;
  files.set("hub.yaml", documents(hubManifests(hub)));
  files.set("inventory.yaml", inventory);
  return files;
}

/** Base64url, as the embedded lab's passwords: nothing to quote in a URL or a keyword=value string. */
function newPassword(): string {
  return randomBytes(18).toString("base64url");
}

function documents(manifests: readonly object[]): string {
  return manifests.map((manifest) => stringify(manifest, { lineWidth: 0, aliasDuplicateObjects: false })).join("---\n");
}

export function parseOptions(argv: readonly string[]): WorkshopOptions & { out: string } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      labs: { type: "string" },
      out: { type: "string" },
      "hub-image": { type: "string", default: "replication-lab:latest" },
      "public-host": { type: "string", default: "workshop.example.org" },
      "hub-namespace": { type: "string", default: "rlab-hub" },
      storage: { type: "string", default: "1Gi" },
      "storage-class": { type: "string" },
      "service-type": { type: "string", default: "LoadBalancer" },
    },
    strict: true,
  });
  const labs = Number(values.labs);
  if (!Number.isInteger(labs) || labs < 1 || labs > 999) {
    throw new CliError(`--labs must be a whole number from 1 to 999; it is "${values.labs ?? ""}".`, 2);
  }
  if (!values.out) throw new CliError("--out DIR is needed: the folder to write the manifests into.", 2);
  const serviceType = values["service-type"];
  if (serviceType !== "ClusterIP" && serviceType !== "NodePort" && serviceType !== "LoadBalancer") {
    throw new CliError(`--service-type must be ClusterIP, NodePort or LoadBalancer; it is "${serviceType}".`, 2);
  }
  const options: WorkshopOptions & { out: string } = {
    labs,
    out: path.resolve(values.out),
    hubImage: values["hub-image"],
    publicHost: values["public-host"],
    hubNamespace: values["hub-namespace"],
    storage: values.storage,
    serviceType,
  };
  if (values["storage-class"]) options.storageClass = values["storage-class"];
  return options;
}

export async function writeFiles(out: string, files: ReadonlyMap<string, string>): Promise<void> {
  for (const [name, text] of files) {
    const file = path.join(out, name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Every file names passwords (a lab's Secret; the hub's inventory): readable by their owner only.
    await fs.writeFile(file, text, { mode: 0o600 });
  }
}
