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

export interface HubSpec {
  namespace: string;
  /** The image running `npm run workshop` (built from this repository: see README, "Past one machine"). */
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
          containers: [
            {
              name: "hub",
              image: spec.image,
              args: [
                "npm",
                "run",
                "workshop",
                "--",
                "--listen",
                `0.0.0.0:${HUB_PORT}`,
                "--public-host",
                spec.publicHost,
                "--driver",
                "inventory",
                "--inventory",
                `${INVENTORY_DIR}/inventory.yaml`,
              ],
              env: [{ name: "LAB_WORKSHOP_DIR", value: WORKSHOP_DIR }],
              ports: [{ name: "http", containerPort: HUB_PORT, protocol: "TCP" }],
              readinessProbe: { tcpSocket: { port: HUB_PORT }, periodSeconds: 5 },
              volumeMounts: [
                { name: "inventory", mountPath: INVENTORY_DIR, readOnly: true },
                { name: "data", mountPath: WORKSHOP_DIR },
              ],
            },
          ],
          volumes: [
            // 0400: the inventory holds every lab's password; the hub runs as root, as workshop mode requires.
            { name: "inventory", secret: { secretName: "hub-inventory", defaultMode: 0o400 } },
            { name: "data", persistentVolumeClaim: { claimName: "hub-data" } },
          ],
        },
      },
    },
  };
}
