import { Router } from "express";
import { lessonStartRequestSchema } from "../../shared/api-schemas.ts";
import type { ApiError } from "../../shared/api-types.ts";
import type { Post } from "../../shared/lessons/replay.ts";
import { LabBusy } from "../errors.ts";
import type { Lab } from "../lab/lab.ts";
import { LessonStart } from "../lesson-start/service.ts";
import { parseBody } from "../request-body.ts";

/**
 * The steps of a replay go through the bridge's own API, with its token, exactly as the page's cells and the
 * lesson replay test send them: one path for every way a lesson runs.
 */
export function selfPost(port: () => number, token: string): Post {
  return async <T>(path: string, body: unknown) => {
    const response = await fetch(`http://127.0.0.1:${port()}${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as T | ApiError;
    if (!response.ok) throw new Error(`${path}: ${(json as ApiError).error?.message ?? response.status}`);
    return json as T;
  };
}

/** `blockedBy` says what else remakes the lab now (a switch of versions), which a lesson's start must wait for. */
export function lessonStartRoutes(
  lab: Lab,
  post: Post,
  blockedBy: () => string | null = () => null,
): { router: Router; service: LessonStart } {
  const service = new LessonStart(lab, post);
  const router = Router();

  /** Starts bringing the lab to a lesson's start; 202 with the progress, which GET then follows. */
  router.post("/api/lab/lesson-start", async (req, res) => {
    const { lesson } = parseBody(lessonStartRequestSchema, req.body);
    const busy = blockedBy();
    if (busy) throw new LabBusy(`The lab can't be brought to a lesson's start now: ${busy}.`);
    res.status(202).json(await service.begin(lesson));
  });

  /** The last request's progress (null before the first). */
  router.get("/api/lab/lesson-start", (_req, res) => {
    res.json({ progress: service.progress() });
  });

  return { router, service };
}
