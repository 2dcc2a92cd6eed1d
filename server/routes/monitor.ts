import { Router } from "express";
import { loadRequestSchema } from "../../shared/api-schemas.ts";
import type { LoadState, MonitorSample } from "../../shared/api-types.ts";
import type { LoadController } from "../load-run/controller.ts";
import type { Monitor } from "../monitor/monitor.ts";
import { parseBody } from "../request-body.ts";
import { openEventStream } from "./event-stream.ts";

export function monitorRoutes(monitor: Monitor, load: LoadController, keepAliveMs?: number): Router {
  const router = Router();

  /** The live monitor's feed: a `sample` four times a second and the load run's `load` state as it changes. */
  router.get("/api/monitor", (req, res) => {
    const stream = openEventStream(req, res, keepAliveMs);
    stream.send("load", load.state);
    const stopWatching = monitor.watch((sample: MonitorSample) => stream.send("sample", sample));
    const onLoad = (state: LoadState) => stream.send("load", state);
    load.on("state", onLoad);
    stream.onClose(() => {
      stopWatching();
      load.off("state", onLoad);
    });
  });

  router.get("/api/load", (_req, res) => {
    res.json(load.state);
  });

  router.post("/api/load", (req, res) => {
    res.status(202).json(load.start(parseBody(loadRequestSchema, req.body)));
  });

  router.post("/api/load/stop", (_req, res) => {
    load.stop();
    res.json(load.state);
  });

  return router;
}
