// The lab and its bridge in a process of their own, as `npm start` runs them, for the load benchmarks: a load
// generator in the benchmark's process would share the bridge's thread and slow what it measures. Started with
// fork(); it sets up lesson 6's lab (users on every node, userpub on master, a subscription on each follower),
// sends { url, master } once ready, and stops the lab when its parent disconnects or asks it to.
import { NODE_NAMES, type NodeName } from "../shared/api-types.ts";
import { replicateUsers, startLabAndBridge } from "./fixture.ts";

export interface LoadLabReady {
  url: string;
  master: { host: string; port: number; user: string; password: string; database: string };
  /** Every node's port on 127.0.0.1 (same user, password and database as master). */
  ports: Record<NodeName, number>;
  pid: number;
}

const lab = await startLabAndBridge();
await replicateUsers(lab);
const { host, port, user, password, database } = lab.lab.endpoint("master");
const ports = Object.fromEntries(NODE_NAMES.map((name) => [name, lab.lab.endpoint(name).port])) as Record<
  NodeName,
  number
>;
const ready: LoadLabReady = { url: lab.url, master: { host, port, user, password, database }, ports, pid: process.pid };
process.send?.(ready);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await lab.stop();
  process.exit(0);
};
process.on("disconnect", () => void stop());
process.on("message", (message) => message === "stop" && void stop());
process.on("SIGTERM", () => void stop());
