// The hub on Kubernetes: a namespace of its own (the one every lab's NetworkPolicy lets in), the inventory file
// as a Secret (it holds every lab's password), a volume for the hub's own database (attendees, their labs, join
// codes), one replica as a Deployment, and a Service in front of it.
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IService } from "kubernetes-models/v1/Service";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";

export const HUB_PORT = 4321;
const INVENTORY_DIR = "/etc/replication-lab";
const WORKSHOP_DIR = "/var/lib/replication-lab";
/** The image's user and group (the Dockerfile's `USER 10001:10001`): the hub needs no root with this driver. */
export const HUB_UID = 10001;

export interface HubSpec {
  namespace: string;
  /** The hub's image, built from this repository's Dockerfile (see README, "Past one machine"). */
  image: string;
  /** The name attendees reach the hub by (the hub checks Host against it). */
  publicHost: string;
  /** The inventory file's text (inventory.yaml). */
  inventory: string;
  serviceType: "ClusterIP" | "NodePort" | "LoadBalancer";
  storageClass?: string;
}

export type HubManifest = INamespace | ISecret | IPersistentVolumeClaim | IDeployment | IService;

export function hubManifests(spec: HubSpec): HubManifest[] {
  const { namespace } = spec;
  const labels = { app: "replication-lab", "replication-lab/role": "hub" };
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels } },
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "hub-inventory", namespace, labels },
      type: "Opaque",
      stringData: { "inventory.yaml": spec.inventory },
    },
    {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "hub-data", namespace, labels },
      spec: {
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: "1Gi" } },
        ...(spec.storageClass ? { storageClassName: spec.storageClass } : {}),
      },
    },
    deployment(spec, labels),
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "hub", namespace, labels },
      spec: {
        type: spec.serviceType,
        selector: labels,
        ports: [{ name: "http", port: 80, targetPort: HUB_PORT, protocol: "TCP" }],
      },
    },
  ];
}

/** The hub's command line after the image's entrypoint (the Dockerfile's `node ... server/workshop/main.ts`). */
export function hubArgs(publicHost: string): string[] {
  return [
    "--listen",
    `0.0.0.0:${HUB_PORT}`,
    "--public-host",
    publicHost,
    "--driver",
    "inventory",
    "--inventory",
    `${INVENTORY_DIR}/inventory.yaml`,
  ];
}

/**
 * The join page, asked as the hub's own loopback name: the hub answers only names it was given (its Host check),
 * and a kubelet's probe would otherwise send the pod's address, refused with 403.
 */
const probe = {
  httpGet: { path: "/join", port: HUB_PORT, httpHeaders: [{ name: "Host", value: `localhost:${HUB_PORT}` }] },
};

function deployment(spec: HubSpec, labels: Record<string, string>): IDeployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "hub", namespace: spec.namespace, labels },
    spec: {
      // One hub: its database is on a ReadWriteOnce volume, so the old pod goes before the new one comes.
      replicas: 1,
      strategy: { type: "Recreate" },
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: HUB_UID,
            runAsGroup: HUB_UID,
            // The volume and the inventory's file get this group, so the hub's user can write the one and read
            // the other. Ownership is changed only while the volume's top folder doesn't match, i.e. once: a
            // change on every start would make the hub's data folder group-writable, which PostgreSQL refuses.
            fsGroup: HUB_UID,
            fsGroupChangePolicy: "OnRootMismatch",
          },
          containers: [
            {
              name: "hub",
              image: spec.image,
              args: hubArgs(spec.publicHost),
              env: [{ name: "LAB_WORKSHOP_DIR", value: WORKSHOP_DIR }],
              ports: [{ name: "http", containerPort: HUB_PORT, protocol: "TCP" }],
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
              // The first start initialises the hub's database (initdb): up to a minute on a slow volume.
              startupProbe: { ...probe, periodSeconds: 2, failureThreshold: 60 },
              readinessProbe: { ...probe, periodSeconds: 5 },
              livenessProbe: { ...probe, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
              volumeMounts: [
                { name: "inventory", mountPath: INVENTORY_DIR, readOnly: true },
                { name: "data", mountPath: WORKSHOP_DIR },
              ],
            },
          ],
          volumes: [
            // 0440, group fsGroup: the inventory holds every lab's password, for the hub's user only.
            { name: "inventory", secret: { secretName: "hub-inventory", defaultMode: 0o440 } },
            { name: "data", persistentVolumeClaim: { claimName: "hub-data" } },
          ],
        },
      },
    },
  };
}
