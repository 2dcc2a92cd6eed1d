// Brings the lab to the start of a lesson: the state that running every step of the lessons before it, in
// order, on a fresh lab leaves. In the embedded lab the state is kept as a snapshot of the nodes' data folders
// the first time it is reached (and at every lesson boundary passed on the way), so later requests restore it
// in a few seconds instead of replaying; docker and external labs, whose servers' folders the bridge can't reach
// (Lab.localServers() is null), reset and replay every time.
import { performance } from "node:perf_hooks";
import { isNodeName, type LessonStartProgress } from "../../shared/api-types.ts";
import type { Lesson } from "../../shared/lessons/lesson-files.ts";
import { runStep, type Post } from "../../shared/lessons/replay.ts";
import { LabBusy, LabError, NotFound } from "../errors.ts";
import type { Lab } from "../lab/lab.ts";
import { resetLab } from "../lab/reset.ts";
import { lessonNumber, readLessons, serversVersion, startKey } from "./lessons.ts";
import { SnapshotStore } from "./snapshots.ts";

/** A second request while one runs: the lab can only be brought to one place at a time. */
export class LessonStartBusy extends LabBusy {
  constructor(readonly current: LessonStartProgress) {
    super(
      `The lab is being brought to the start of lesson ${current.lesson} (${current.says}); wait for it to finish.`,
    );
  }
}

/** A step of an earlier lesson that did not do what it expects: the lab is not where the lessons say. */
class LessonStartError extends LabError {}

export class LessonStart {
  private current: LessonStartProgress | null = null;
  private running = false;
  private readonly snapshots: SnapshotStore | null;

  constructor(
    private readonly lab: Lab,
    /** How a step reaches the bridge: through its own API, as the page's cells do. */
    private readonly post: Post,
    private readonly lessons: () => Promise<Lesson[]> = readLessons,
  ) {
    const local = lab.localServers();
    this.snapshots = local ? new SnapshotStore(lab, local) : null;
  }

  progress(): LessonStartProgress | null {
    return this.current && { ...this.current };
  }

  /** What the run in progress is doing, in words, or null when none runs. */
  busyWith(): string | null {
    return this.running && this.current
      ? `it is being brought to the start of lesson ${this.current.lesson} (${this.current.says})`
      : null;
  }

  /** Starts bringing the lab to lesson `n`'s start and returns at once; progress() follows it. */
  async begin(n: number): Promise<LessonStartProgress> {
    if (this.running && this.current) throw new LessonStartBusy(this.progress()!);
    const lessons = await this.lessons();
    if (!lessons.some((lesson) => lessonNumber(lesson) === n)) throw new NotFound(`There is no lesson ${n}.`);
    if (this.running && this.current) throw new LessonStartBusy(this.progress()!);
    this.running = true;
    const started = performance.now();
    this.current = {
      lesson: n,
      how: "replay",
      phase: "resetting",
      step: 0,
      steps: 0,
      says: "starting",
      elapsedMs: 0,
      snapshots: this.snapshots !== null,
    };
    const set = (patch: Partial<LessonStartProgress>) => {
      this.current = { ...this.current!, ...patch, elapsedMs: Math.round(performance.now() - started) };
    };
    void this.bring(lessons, n, set)
      .then(() => set({ phase: "done", says: `the lab is at the start of lesson ${n}` }))
      .catch((error: unknown) =>
        set({ phase: "failed", error: error instanceof Error ? error.message : String(error), says: "failed" }),
      )
      .finally(() => (this.running = false));
    return this.progress()!;
  }

  /** Resolves once the run in progress (if any) has ended, with how it ended. */
  async settled(): Promise<LessonStartProgress | null> {
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 50));
    return this.progress();
  }

  private async bring(lessons: Lesson[], n: number, set: (patch: Partial<LessonStartProgress>) => void): Promise<void> {
    const store = this.snapshots;
    if (store) await this.startEveryNode();
    // Lesson starts are states of the four nodes: lesson 12's standby, in none of them, goes first, also when a
    // snapshot is restored rather than the lab reset.
    await this.lab.removeStandby();
    const version = serversVersion(this.lab.status().nodes);
    const key = (k: number) => startKey(lessons, k, version);
    if (store && (await store.has(n, key(n)))) {
      set({ how: "restore", phase: "restoring", says: `restoring the snapshot of lesson ${n}'s start` });
      if (await store.restore(n, key(n))) return;
      set({ how: "replay", says: `the snapshot of lesson ${n}'s start was incomplete and is made again` });
    }
    // The latest earlier lesson start already kept saves replaying the lessons before it.
    let from = 1;
    for (let k = n - 1; store && k >= 2 && from === 1; k--) {
      if (!(await store.has(k, key(k)))) continue;
      set({ phase: "restoring", says: `restoring the snapshot of lesson ${k}'s start` });
      if (await store.restore(k, key(k))) from = k;
    }
    if (from === 1) {
      set({ phase: "resetting", says: "resetting the lab" });
      await resetLab(this.lab);
    }
    const todo = lessons.filter((lesson) => lessonNumber(lesson) >= from && lessonNumber(lesson) < n);
    const steps = todo.reduce((sum, lesson) => sum + lesson.steps.length, 0);
    let done = 0;
    set({ phase: "replaying", step: 0, steps });
    for (const lesson of todo) {
      for (const [i, step] of lesson.steps.entries()) {
        set({ phase: "replaying", step: done, says: `${lesson.title}: step ${i + 1} of ${lesson.steps.length}` });
        const outcome = await runStep(step, this.lab.status(), this.post);
        if (!outcome.met)
          throw new LessonStartError(
            `${lesson.file}, step ${i + 1} did not do what its lesson expects: ${outcome.reason}`,
          );
        done++;
      }
      set({ step: done });
      const next = lessonNumber(lesson) + 1;
      if (store && !(await store.has(next, key(next)))) {
        set({ phase: "saving", says: `keeping a snapshot of lesson ${next}'s start` });
        await store.save(next, key(next));
        // Snapshots whose key no lesson has any more (its cells or PostgreSQL changed) would pile up unseen.
        await store.prune(lessons.map((kept) => ({ lesson: lessonNumber(kept), key: key(lessonNumber(kept)) })));
      }
    }
  }

  /** A reset or a restore needs every node; a node stopped by an earlier lesson is started first. */
  private async startEveryNode(): Promise<void> {
    await Promise.all(
      this.lab
        .status()
        .nodes.flatMap(({ name, state }) => (isNodeName(name) && state !== "up" ? [this.lab.startNode(name)] : [])),
    );
  }
}
