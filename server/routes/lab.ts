import { Router } from "express";
import {
  isCellNode,
  isNodeName,
  STANDBY,
  type LabStatus,
  type NodeStatus,
  type ReplicationPicture,
  type WorkshopLab,
} from "../../shared/api-types.ts";
import { HttpError, LabBusy, NotSupportedInMode } from "../errors.ts";
import type { Lab } from "../lab/lab.ts";
import { resetLab } from "../lab/reset.ts";
import { openEventStream } from "./event-stream.ts";

export interface LabRouteOptions {
  /**
   * What holds the lab (bringing it to a lesson's start), or null: a reset meanwhile would undo that work
   * halfway, so it is refused with the reason.
   */
  busyWith?: () => string | null;
  /** A switch of the nodes' PostgreSQL majors under way, or null: a node stopped or started meanwhile is refused. */
  switching?: () => string | null;
  keepAliveMs?: number | undefined;
  /** Workshop mode: the disk the lab takes, which GET /api/lab then reports as `diskBytes`. */
  diskBytes?: (() => Promise<number | null>) | undefined;
  /** Workshop mode: whose lab this is, in every status the page gets (GET /api/lab and the `lab` event). */
  workshop?: WorkshopLab | undefined;
}

export function labRoutes(lab: Lab, options: LabRouteOptions = {}): Router {
  const { busyWith = () => null, switching = () => null, keepAliveMs, diskBytes, workshop } = options;
  const router = Router();
  const status = (): LabStatus => (workshop ? { ...lab.status(), workshop } : lab.status());

  router.get("/api/lab", async (_req, res) => {
    const answer = status();
    // Workshop mode says how much disk the lab takes (fair use); the single-user lab's own is the learner's.
    if (diskBytes) answer.diskBytes = await diskBytes();
    res.json(answer);
  });

  /** Node states as they change, over server-sent events: the status panel's live feed. */
  router.get("/api/events", (req, res) => {
    const stream = openEventStream(req, res, keepAliveMs);
    stream.send("lab", status());
    const onNode = (node: NodeStatus) => stream.send("node", node);
    const onReplication = (picture: ReplicationPicture) => stream.send("replication", picture);
    lab.on("node", onNode);
    lab.on("replication", onReplication);
    stream.onClose(() => {
      lab.off("node", onNode);
      lab.off("replication", onReplication);
    });
  });

  /** Back to a fresh lab: the lessons' "start over". The page asks for confirmation before calling it. */
  router.post("/api/lab/reset", async (_req, res) => {
    const busy = busyWith();
    if (busy) throw new LabBusy(`The lab can't be reset now: ${busy}.`);
    await resetLab(lab);
    res.json(status());
  });

  /** A node's server log, for the lessons that show what a subscriber's apply worker reports. */
  router.get("/api/lab/nodes/:name/log", async (req, res) => {
    const { name } = req.params;
    if (!isNodeName(name)) throw new HttpError(`There is no node "${name}".`, 404);
    const local = lab.localServers();
    if (!local) {
      throw new NotSupportedInMode(
        "The lab can only read the embedded nodes' logs; for docker, run: " +
          `docker compose -f compose/docker-compose-async.yml logs ${name}`,
      );
    }
    const lines = Math.min(Math.max(Number(req.query["lines"] ?? 20) || 20, 1), 200);
    const text = String(req.query["match"] ?? "");
    if (text.length > 100) throw new HttpError('"match" is at most 100 characters.', 400);
    res.json({ node: name, lines: await local.logTail(name, lines, text ? plainMatch(text) : undefined) });
  });

  router.post("/api/lab/nodes/:name/second-postmaster", async (req, res) => {
    const { name } = req.params;
    if (!isNodeName(name)) throw new HttpError(`There is no node "${name}".`, 404);
    const local = lab.localServers();
    if (!local) {
      throw new NotSupportedInMode(
        "Only the embedded lab can show this: its servers run on this machine, as this bridge does.",
      );
    }
    res.json(await local.startSecondServer(name));
  });

  /** Lesson 9: why containers on one volume get past the lock file, shown on a scratch cluster. */
  router.post("/api/lab/scratch/lock-file-parent-pid", async (_req, res) => {
    const local = lab.localServers();
    if (!local) {
      throw new NotSupportedInMode(
        "Only the embedded lab can show this: it starts a throwaway server on this machine, as it does the nodes.",
      );
    }
    res.json(await local.tryLockFileNamingParent());
  });

  /** Lesson 12: a physical standby of master, as an extra node (embedded lab only), until the next reset. */
  router.post("/api/lab/standby", async (_req, res) => {
    const busy = busyWith();
    if (busy) throw new LabBusy(`The standby can't be made now: ${busy}.`);
    res.json(await lab.makeStandby());
  });

  /** Stops or starts a node, or lesson 12's standby (restarted so that its recovery settings take effect). */
  router.post("/api/lab/nodes/:name/:action", async (req, res) => {
    const { name, action } = req.params;
    if (!isCellNode(name)) throw new HttpError(`There is no node "${name}".`, 404);
    if (action !== "stop" && action !== "start") {
      throw new HttpError(`Nodes can be stopped or started, not "${action}".`, 404);
    }
    const busy = switching();
    if (busy) throw new LabBusy(`${name} can't be stopped or started now: ${busy}.`);
    if (name === STANDBY) await lab.setStandbyRunning(action === "start");
    else if (action === "stop") await lab.stopNode(name);
    else await lab.startNode(name);
    res.json(lab.node(name));
  });

  return router;
}

/**
 * A log filter from the caller's text: lines that contain it, or any of its `|`-separated alternatives, as
 * plain text. Not a regular expression: a pattern such as `(a+)+$` would backtrack for minutes on the event
 * loop, and the lessons only ever look for words.
 */
function plainMatch(text: string): { test(line: string): boolean } {
  const alternatives = text.split("|").filter((alternative) => alternative !== "");
  return { test: (line) => alternatives.some((alternative) => line.includes(alternative)) };
}
