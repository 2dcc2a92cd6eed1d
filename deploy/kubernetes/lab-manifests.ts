// One lab on Kubernetes: a namespace of its own holding the lab's four PostgreSQL 18 nodes, each a StatefulSet of
// one replica with a volume of its own (two servers on one volume is the walkthrough's pitfall), a Service per
// node, the lab's password in a Secret, and a NetworkPolicy that lets in only the hub and the lab's own nodes
// (each node subscribes to the others). The types come from kubernetes-models, generated from Kubernetes' own
// OpenAPI schema, so that the compiler refuses a field Kubernetes doesn't have; test/unit/kubernetes.test.ts
// validates the result against that schema.
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IService } from "kubernetes-models/v1/Service";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { NODE_NAMES, type NodeName } from "../../shared/api-types.ts";

export const PG_IMAGE = "postgres:18";
export const PG_PORT = 5432;
const APP = "replication-lab";
/** The Secret key holding the lab's superuser password (the image's POSTGRES_PASSWORD). */
const PASSWORD_KEY = "password";

/**
 * What every node runs with: logical replication, and the workshop's per-lab limits, so that one attendee's
 * statement can't take the machine its neighbours share (the local driver sets the same kind at initdb).
 */
export const LAB_SETTINGS: Readonly<Record<string, string>> = {
  wal_level: "logical",
  max_wal_senders: "10",
  max_replication_slots: "10",
  max_connections: "30",
  shared_buffers: "32MB",
  work_mem: "4MB",
  temp_file_limit: "256MB",
  statement_timeout: "60s",
};

export interface LabSpec {
  /** The lab's id, as the inventory lists it (a DNS label). */
  id: string;
  /** The lab's superuser password, random per lab. */
  password: string;
  /** Size of each node's volume, e.g. 1Gi. */
  storage: string;
  /** The namespace the hub runs in: the only one the NetworkPolicy lets in besides the lab's own. */
  hubNamespace: string;
  /** Storage class for the volumes; the cluster's default when unset. */
  storageClass?: string;
}

export type LabManifest = INamespace | ISecret | IService | IStatefulSet | INetworkPolicy;

export function labNamespace(id: string): string {
  return `rlab-${id}`;
}

/** How the hub (and a lab's other nodes) reach a node: its Service's name in the cluster's DNS. */
export function nodeHost(id: string, node: NodeName): string {
  return `${node}.${labNamespace(id)}.svc.cluster.local`;
}

export function labManifests(spec: LabSpec): LabManifest[] {
  const namespace = labNamespace(spec.id);
  const labels = { app: APP, "replication-lab/lab": spec.id };
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels } },
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "lab-credentials", namespace, labels },
      type: "Opaque",
      stringData: { [PASSWORD_KEY]: spec.password },
    },
    networkPolicy(namespace, spec.hubNamespace, labels),
    ...NODE_NAMES.flatMap((node) => [service(namespace, node, labels), statefulSet(namespace, node, spec, labels)]),
  ];
}

/**
 * In: the hub and the lab's own nodes, on PostgreSQL's port. Out: the lab's own nodes and the cluster's DNS only,
 * so that an attendee's superuser SQL (COPY ... TO PROGRAM) can't reach another lab, the hub's pod or anything
 * beyond the cluster from the node it runs on. The hub's connections in are answered whatever the egress rules.
 */
function networkPolicy(namespace: string, hubNamespace: string, labels: Record<string, string>): INetworkPolicy {
  // A podSelector alone means pods of this namespace: the lab's nodes, which subscribe to each other.
  const ownNodes = { podSelector: {} };
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "hub-and-own-nodes-only", namespace, labels },
    spec: {
      // Every pod of the lab's namespace: its four nodes.
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        {
          from: [ownNodes, { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": hubNamespace } } }],
          ports: [{ protocol: "TCP", port: PG_PORT }],
        },
      ],
      egress: [
        { to: [ownNodes], ports: [{ protocol: "TCP", port: PG_PORT }] },
        {
          // The connection strings name Services, so the nodes need the cluster's DNS (in kube-system).
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    },
  };
}

function service(namespace: string, node: NodeName, labels: Record<string, string>): IService {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: node, namespace, labels: { ...labels, "replication-lab/node": node } },
    spec: {
      // Headless: the name resolves to the node's one pod, and it is the StatefulSet's governing Service.
      clusterIP: "None",
      selector: { ...labels, "replication-lab/node": node },
      ports: [{ name: "postgres", port: PG_PORT, targetPort: PG_PORT, protocol: "TCP" }],
    },
  };
}

function statefulSet(namespace: string, node: NodeName, spec: LabSpec, labels: Record<string, string>): IStatefulSet {
  const podLabels = { ...labels, "replication-lab/node": node };
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: node, namespace, labels: podLabels },
    spec: {
      serviceName: node,
      replicas: 1,
      selector: { matchLabels: podLabels },
      template: {
        metadata: { labels: podLabels },
        spec: {
          // The nodes need no access to the Kubernetes API.
          automountServiceAccountToken: false,
          containers: [
            {
              name: "postgres",
              image: PG_IMAGE,
              args: ["postgres", ...Object.entries(LAB_SETTINGS).flatMap(([key, value]) => ["-c", `${key}=${value}`])],
              env: [
                { name: "POSTGRES_USER", value: "postgres" },
                { name: "POSTGRES_DB", value: "replication" },
                {
                  name: "POSTGRES_PASSWORD",
                  valueFrom: { secretKeyRef: { name: "lab-credentials", key: PASSWORD_KEY } },
                },
              ],
              ports: [{ name: "postgres", containerPort: PG_PORT, protocol: "TCP" }],
              readinessProbe: {
                exec: { command: ["pg_isready", "-U", "postgres", "-d", "replication"] },
                periodSeconds: 5,
              },
              resources: {
                requests: { cpu: "50m", memory: "96Mi" },
                limits: { memory: "256Mi" },
              },
              // PostgreSQL 18's image keeps its data under /var/lib/postgresql/18/docker: the volume goes one
              // level up, as compose/docker-compose-async.yml mounts it.
              volumeMounts: [{ name: "data", mountPath: "/var/lib/postgresql" }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data", labels: podLabels },
          spec: {
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: spec.storage } },
            ...(spec.storageClass ? { storageClassName: spec.storageClass } : {}),
          },
        },
      ],
    },
  };
}
