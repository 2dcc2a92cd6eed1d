// The lessons as the bridge sees them: read from their MDX sources, as the site and the replay test read them,
// and the key that names the lab's state at the start of one of them.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { lessonsFromSources, type Lesson } from "../../shared/lessons/lesson-files.ts";
import type { LessonStep } from "../../shared/lessons/lesson-cells.ts";
import { PROJECT_ROOT } from "../config.ts";

export const LESSONS_DIR = path.join(PROJECT_ROOT, "src/content/docs/lessons");

/** Bump when what a snapshot holds changes shape, so that older snapshots are never restored. */
const SNAPSHOT_FORMAT = 2;

export async function readLessons(dir = LESSONS_DIR): Promise<Lesson[]> {
  const files = (await fs.readdir(dir)).filter((file) => file.endsWith(".mdx"));
  const sources = await Promise.all(
    files.map(async (file) => [file, await fs.readFile(path.join(dir, file), "utf8")] as const),
  );
  return lessonsFromSources(Object.fromEntries(sources));
}

/** A lesson's number, from its file name (`05-subscriptions.mdx` is 5). */
export function lessonNumber(lesson: Lesson): number {
  return Number.parseInt(lesson.file.slice(0, 2), 10);
}

/** Every step a learner runs before lesson `n` starts: those of the lessons numbered below it, in order. */
export function stepsBefore(lessons: Lesson[], n: number): LessonStep[] {
  return lessons.filter((lesson) => lessonNumber(lesson) < n).flatMap((lesson) => lesson.steps);
}

/**
 * The servers' version for a lesson start's key: the one version when every node runs it (as keys always were),
 * else each node's, so that a snapshot made on one mix of majors (LAB_PG_VERSIONS) is never restored onto
 * another, whose servers could not start its folders.
 */
export function serversVersion(nodes: readonly { name: string; version: string | null }[]): string {
  const each = nodes.map((node) => node.version ?? "unknown");
  return new Set(each).size === 1 ? each[0]! : nodes.map((node, i) => `${node.name}=${each[i]}`).join(",");
}

/**
 * The name of the lab's state at the start of lesson `n`: a digest of every step before it and of the servers'
 * PostgreSQL version. A lesson whose cells changed, or a new PostgreSQL, gives another key, so a snapshot made
 * before the change is never restored for it.
 */
export function startKey(lessons: Lesson[], n: number, postgresVersion: string): string {
  const digest = createHash("sha256");
  digest.update(JSON.stringify({ format: SNAPSHOT_FORMAT, postgresVersion, steps: stepsBefore(lessons, n) }));
  return digest.digest("hex").slice(0, 24);
}
