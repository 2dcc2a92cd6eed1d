// "Start this lesson from a known state": the first request replays the lessons before it and keeps a snapshot
// of every lesson start it passes; a later request restores the snapshot, and the lesson then runs as written.
import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import type { LabStatus, LessonStartProgress, NodeName } from "../../src/lib/api-types.ts";
import { runStep, type Post } from "../../src/lib/replay.ts";
import { bridgeUrl, call, query } from "../support/bridge.ts";
import { readLessons } from "../support/lessons.ts";

const lessons = await readLessons();

const post: Post = async <T,>(path: string, body: unknown) => {
  const { status, json } = await call(path, body);
  if (status >= 400) throw new Error(`${path} answered ${status}: ${JSON.stringify(json)}`);
  return json as T;
};

async function finished(): Promise<LessonStartProgress> {
  for (;;) {
    const { json } = await call("/api/lab/lesson-start");
    const progress = json.progress as LessonStartProgress;
    if (progress.phase === "done" || progress.phase === "failed") return progress;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Node states announced on the status panel's feed while `work` runs. */
async function nodeStatesDuring(work: () => Promise<void>): Promise<Record<string, string[]>> {
  const abort = new AbortController();
  const response = await fetch(`${bridgeUrl()}/api/events`, { headers: { Authorization: `Bearer ${inject("token")}` }, signal: abort.signal });
  const seen: Record<string, string[]> = {};
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of response.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      for (const match of buffer.matchAll(/event: node\ndata: (.*)\n\n/g)) {
        const node = JSON.parse(match[1]!) as { name: string; state: string };
        (seen[node.name] ??= []).push(node.state);
      }
      buffer = buffer.slice(buffer.lastIndexOf("\n\n") + 2);
    }
  })().catch(() => {});
  await work();
  abort.abort();
  await reading;
  return seen;
}

describe("starting a lesson from a known state", () => {
  it("refuses a lesson that isn't a number, and one that doesn't exist", async () => {
    expect((await call("/api/lab/lesson-start", { lesson: "nine" })).status).toBe(400);
    const missing = await call("/api/lab/lesson-start", { lesson: 42 });
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toMatch(/no lesson 42/);
  });

  it("the first time, replays the lessons before 9 (from the latest start kept, if any) and keeps a snapshot of every lesson start; a second request or a reset meanwhile is refused", async () => {
    const first = await call("/api/lab/lesson-start", { lesson: 9 });
    expect(first.status).toBe(202);
    const second = await call("/api/lab/lesson-start", { lesson: 3 });
    expect(second.status).toBe(409);
    expect(second.json.error.message).toMatch(/start of lesson 9 .*wait for it to finish/);
    const reset = await call("/api/lab/reset", {});
    expect(reset.status).toBe(409);
    expect(reset.json.error.message).toMatch(/can't be reset now: it is being brought to the start of lesson 9/);
    const done = await finished();
    expect(done.error).toBeUndefined();
    expect(done).toMatchObject({ lesson: 9, how: "replay", phase: "done", snapshots: true });
    expect(done.step).toBe(done.steps);
    const kept = (await fs.readdir(path.join(inject("labDataDir"), "snapshots"))).map((entry) => entry.slice(0, 9)).sort();
    expect(kept).toEqual(["lesson-02", "lesson-03", "lesson-04", "lesson-05", "lesson-06", "lesson-07", "lesson-08", "lesson-09"]);
  }, 300_000);

  it("later, restores lesson 9's start over whatever the lab holds, the nodes shown stopping and back up, and lesson 9 then runs as written", async () => {
    await query("master", "DROP PUBLICATION IF EXISTS userpub; DROP TABLE IF EXISTS users CASCADE");
    let done: LessonStartProgress | undefined;
    // Cells and the live monitor keep asking while the nodes restart: they get errors, the bridge stays up.
    const monitor = new AbortController();
    const watching = fetch(`${bridgeUrl()}/api/monitor`, { headers: { Authorization: `Bearer ${inject("token")}` }, signal: monitor.signal })
      .then(async (response) => {
        for await (const _chunk of response.body!);
      })
      .catch(() => {});
    let cells = 0;
    const states = await nodeStatesDuring(async () => {
      expect((await call("/api/lab/lesson-start", { lesson: 9 })).status).toBe(202);
      const asking = (async () => {
        while (!done) {
          await call("/api/query", { node: "slave1", sql: "SELECT count(*) FROM users" });
          cells++;
        }
      })();
      done = await finished();
      await asking;
    });
    monitor.abort();
    await watching;
    expect(cells).toBeGreaterThan(0);
    expect(done).toMatchObject({ lesson: 9, how: "restore", phase: "done" });
    for (const node of ["master", "slave1", "slave2", "slave3"] satisfies NodeName[]) {
      expect(states[node], node).toEqual(expect.arrayContaining(["stopping", "down", "up"]));
      expect(states[node]!.at(-1), node).toBe("up");
    }
    const lab = (await call("/api/lab")).json as LabStatus;
    const lesson9 = lessons.find((lesson) => lesson.file.startsWith("09"))!;
    for (const [i, step] of lesson9.steps.entries()) {
      const outcome = await runStep(step, lab, post);
      expect(outcome.met, `${lesson9.file}, step ${i + 1}:\n${outcome.what}\n${outcome.reason}`).toBe(true);
    }
  }, 120_000);
});
