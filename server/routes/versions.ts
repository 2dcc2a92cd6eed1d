import { Router } from "express";
import { versionSwitchRequestSchema } from "../../shared/api-schemas.ts";
import type { LabMode } from "../../shared/api-types.ts";
import type { PgVersionsState } from "../../shared/version-switch.ts";
import { NotSupportedInMode } from "../errors.ts";
import type { Lab } from "../lab/lab.ts";
import { PG_MAJORS } from "../pg-majors.ts";
import { parseBody } from "../request-body.ts";

export interface VersionRouteOptions {
  /** What else holds the lab (bringing it to a lesson's start), or null: a switch meanwhile is refused. */
  busyWith: () => string | null;
  /** Workshop mode: the hub chooses every attendee's versions, so the page can't. */
  workshop: boolean;
}

/** Why this lab can't switch its nodes' majors from the page, and what to do instead; null when it can. */
export function switchRefusal(mode: LabMode, workshop: boolean): string | null {
  if (workshop) {
    return (
      "In a workshop the instructor chooses the PostgreSQL versions: the hub's LAB_PG_VERSIONS gives every " +
      "attendee's lab the same ones."
    );
  }
  if (mode === "docker") {
    return (
      "In docker mode every node runs the compose file's image, chosen where the containers are made: take them " +
      "down with their volumes (docker compose -f compose/docker-compose-async.yml down --volumes), bring them up " +
      "again with LAB_PG_IMAGE=postgres:16 (say) before up -d, and restart LAB_MODE=docker npm start."
    );
  }
  if (mode === "external") {
    return (
      "In external mode the nodes are servers you run elsewhere: their versions are chosen where they run; point " +
      "LAB_MASTER_URL (and the others) at servers of the versions you want and restart npm start."
    );
  }
  return null;
}

/** The lab page's control of each node's PostgreSQL major (embedded lab; see lab/embedded/version-switch.ts). */
export function versionRoutes(lab: Lab, options: VersionRouteOptions): Router {
  const router = Router();
  const local = lab.localServers();
  const refusal = local ? switchRefusal(lab.mode, options.workshop) : switchRefusal(lab.mode, false);

  router.get("/api/lab/versions", async (_req, res) => {
    const state: PgVersionsState = {
      majors: [...PG_MAJORS],
      current: local ? { ...local.majors() } : null,
      source: local ? local.versionSource : null,
      installed: local ? await local.versions.installedMajors() : [],
      progress: local ? local.versions.progress() : null,
    };
    if (refusal) state.refused = refusal;
    res.json(state);
  });

  /** Starts a switch; 202 with its progress, which GET then follows. */
  router.post("/api/lab/versions", (req, res) => {
    const { versions } = parseBody(versionSwitchRequestSchema, req.body);
    if (refusal || !local) throw new NotSupportedInMode(refusal ?? "This lab can't switch versions.");
    res.status(202).json(local.versions.begin(versions, options.busyWith()));
  });

  return router;
}
