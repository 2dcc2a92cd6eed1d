// deploy/kubernetes/: the generated manifests validated against Kubernetes' published schema, offline. The
// schema is Kubernetes v1.33.0's OpenAPI definitions as kubernetes-models 4.5 ships them, compiled to ajv
// validators (that package ships them compiled, not as .json files; no npm package ships the JSON files).
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet, type IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { parseInventory } from "../../server/workshop/provision/inventory-file.ts";
import { labManifests } from "../../deploy/kubernetes/lab-manifests.ts";
import { parseOptions, workshopFiles, type WorkshopOptions } from "../../deploy/kubernetes/workshop-files.ts";

/** The schema of each kind the generator writes; a kind without one fails the test rather than going unchecked. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "v1/Namespace": Namespace,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "apps/v1/StatefulSet": StatefulSet,
  "apps/v1/Deployment": Deployment,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
};

/** A parsed document: the fields every manifest has, the rest (parsed YAML of many shapes) read as the test needs. */
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<
  string,
  any
>;

/** Throws Kubernetes' schema's complaint when the manifest doesn't conform to it. */
function validate(manifest: Manifest): void {
  const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!Model) throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind}`);
  new Model(structuredClone(manifest) as never).validate();
}

function documents(text: string): Manifest[] {
  return parseAllDocuments(text).map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJS() as Manifest;
  });
}

const OPTIONS: WorkshopOptions = {
  labs: 3,
  hubImage: "registry.example/replication-lab:1",
  publicHost: "workshop.example.org",
  hubNamespace: "rlab-hub",
  storage: "2Gi",
  serviceType: "LoadBalancer",
};

function generated(options = OPTIONS): Map<string, string> {
  let n = 0;
  return workshopFiles(options, () => `password-${++n}`);
}

describe("deploy/kubernetes manifests", () => {
  it("every document of every file conforms to Kubernetes' schema", () => {
    const files = generated();
    expect([...files.keys()].sort()).toEqual([
      "hub.yaml",
      "inventory.yaml",
      "labs/lab-01.yaml",
      "labs/lab-02.yaml",
      "labs/lab-03.yaml",
    ]);
    const kinds: string[] = [];
    for (const [name, text] of files) {
      if (name === "inventory.yaml") continue;
      for (const manifest of documents(text)) {
        expect(() => validate(manifest), `${name}: ${manifest.kind} ${manifest.metadata.name}`).not.toThrow();
        kinds.push(manifest.kind);
      }
    }
    const count = (kind: string) => kinds.filter((k) => k === kind).length;
    expect({
      Namespace: count("Namespace"),
      StatefulSet: count("StatefulSet"),
      Service: count("Service"),
      NetworkPolicy: count("NetworkPolicy"),
      Secret: count("Secret"),
      Deployment: count("Deployment"),
      PersistentVolumeClaim: count("PersistentVolumeClaim"),
    }).toEqual({
      Namespace: 4,
      StatefulSet: 12,
      Service: 13,
      NetworkPolicy: 3,
      Secret: 4,
      Deployment: 1,
      PersistentVolumeClaim: 1,
    });
  });

  it("the schema refuses a broken manifest: a StatefulSet without a selector, a Service port that is a word", () => {
    const lab = labManifests({ id: "lab-01", password: "pw", storage: "1Gi", hubNamespace: "rlab-hub" }) as Manifest[];
    const statefulSet = structuredClone(lab.find((m) => m.kind === "StatefulSet")!);
    delete statefulSet["spec"].selector;
    expect(() => validate(statefulSet)).toThrow("data/spec must have required property selector");
    const service = structuredClone(lab.find((m) => m.kind === "Service")!);
    service["spec"].ports[0].port = "postgres";
    expect(() => validate(service)).toThrow(/port must be integer/);
    const noTemplate = structuredClone(statefulSet);
    noTemplate["spec"].selector = { matchLabels: { a: "b" } };
    delete noTemplate["spec"].template;
    expect(() => validate(noTemplate)).toThrow("data/spec must have required property template");
    expect(() => validate({ ...statefulSet, kind: "StatefulSett" })).toThrow("no schema for apps/v1 StatefulSett");
  });

  it("the compiler refuses a field Kubernetes doesn't have, which the schema (not strict) would let through", () => {
    const typo: IStatefulSet = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "master" },
      // @ts-expect-error: volumeClaimTemplate is not a field of StatefulSetSpec (volumeClaimTemplates is).
      spec: { selector: {}, template: {}, volumeClaimTemplate: [] },
    };
    expect(() => validate(typo as unknown as Manifest)).not.toThrow();
  });

  it("each lab: its own namespace, four one-replica postgres:18 StatefulSets with a volume each, logical WAL", () => {
    const manifests = documents(generated().get("labs/lab-02.yaml")!);
    expect(new Set(manifests.map((m) => m.metadata.namespace ?? m.metadata.name))).toEqual(new Set(["rlab-lab-02"]));
    const sets = manifests.filter((m) => m.kind === "StatefulSet");
    expect(sets.map((m) => m.metadata.name)).toEqual(["master", "slave1", "slave2", "slave3"]);
    for (const set of sets) {
      const container = set["spec"].template.spec.containers[0];
      expect(set["spec"]).toMatchObject({ replicas: 1, serviceName: set.metadata.name });
      expect(container.image).toBe("postgres:18");
      expect(container.args).toEqual(expect.arrayContaining(["wal_level=logical", "statement_timeout=60s"]));
      expect(container.env).toContainEqual({
        name: "POSTGRES_PASSWORD",
        valueFrom: { secretKeyRef: { name: "lab-credentials", key: "password" } },
      });
      expect(set["spec"].volumeClaimTemplates[0].spec.resources.requests.storage).toBe("2Gi");
      const service = manifests.find((m) => m.kind === "Service" && m.metadata.name === set.metadata.name)!;
      expect(set["spec"].template.metadata.labels).toMatchObject(service["spec"].selector);
    }
    expect(manifests.find((m) => m.kind === "Secret")!["stringData"]).toEqual({ password: "password-2" });
  });

  it(
    "each lab's NetworkPolicy: in, " + "the lab's own pods and the hub's namespace on 5432; out, its own pods and DNS",
    () => {
      const policy = documents(generated().get("labs/lab-01.yaml")!).find((m) => m.kind === "NetworkPolicy")!;
      expect(policy["spec"]).toEqual({
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        ingress: [
          {
            from: [
              { podSelector: {} },
              { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "rlab-hub" } } },
            ],
            ports: [{ protocol: "TCP", port: 5432 }],
          },
        ],
        egress: [
          { to: [{ podSelector: {} }], ports: [{ protocol: "TCP", port: 5432 }] },
          {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      });
      const hubNamespace = documents(generated().get("hub.yaml")!).find((m) => m.kind === "Namespace")!;
      expect(hubNamespace.metadata.name).toBe("rlab-hub");
    },
  );

  it("the inventory lists every lab's four Service names with its password, and the hub mounts it", () => {
    const files = generated();
    const labs = parseInventory(files.get("inventory.yaml")!, "inventory.yaml");
    expect(labs.map((lab) => lab.id)).toEqual(["lab-01", "lab-02", "lab-03"]);
    expect(labs[2]!.urls.slave1).toBe(
      "postgres://postgres:password-3@slave1.rlab-lab-03.svc.cluster.local:5432/replication",
    );
    const hub = documents(files.get("hub.yaml")!);
    expect(hub.find((m) => m.kind === "Secret")!["stringData"]["inventory.yaml"]).toBe(files.get("inventory.yaml"));
    const container = hub.find((m) => m.kind === "Deployment")!["spec"].template.spec.containers[0];
    expect(container.image).toBe("registry.example/replication-lab:1");
    expect(container.args).toEqual(expect.arrayContaining(["--inventory", "/etc/replication-lab/inventory.yaml"]));
  });

  it("the hub runs as the image's user, not root; its probes ask for the join page by a name the hub answers", () => {
    const deployment = documents(generated().get("hub.yaml")!).find((m) => m.kind === "Deployment")!;
    const pod = deployment["spec"].template.spec;
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      fsGroupChangePolicy: "OnRootMismatch",
    });
    const container = pod.containers[0];
    // The image's entrypoint is the hub: the Deployment gives its options only.
    expect(container.command).toBeUndefined();
    expect(container.args.slice(0, 4)).toEqual(["--listen", "0.0.0.0:4321", "--public-host", "workshop.example.org"]);
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
      expect(container[probe].httpGet).toEqual({
        path: "/join",
        port: 4321,
        httpHeaders: [{ name: "Host", value: "localhost:4321" }],
      });
    }
    expect(pod.volumes.find((v: { name: string }) => v.name === "inventory").secret.defaultMode).toBe(0o440);
  });

  it("the command's options: a number of labs and a folder are needed", () => {
    expect(parseOptions(["--labs", "20", "--out", "k8s"])).toMatchObject({ labs: 20, serviceType: "LoadBalancer" });
    expect(() => parseOptions(["--labs", "0", "--out", "k8s"])).toThrow(
      '--labs must be a whole number from 1 to 999; it is "0".',
    );
    expect(() => parseOptions(["--labs", "2"])).toThrow("--out DIR is needed");
    expect(() => parseOptions(["--labs", "2", "--out", "k", "--service-type", "Ingress"])).toThrow(
      "--service-type must be",
    );
    const many = [...generated({ ...OPTIONS, labs: 120 }).keys()];
    expect(many).toEqual(expect.arrayContaining(["labs/lab-007.yaml", "labs/lab-120.yaml"]));
  });
});
