// The instructor's actions on an attendee's lab (issue 14): back to a fresh lab, or to the start of lesson N (the
// same catch-up the learner's own "Start here" runs). The hub answers the instructor at once and runs the action
// in the background through the lab's own API (LabApps.call), telling the instructor's feed and the attendee's
// pages what happens: running with what is being done, then done, or failed with why.
import type { LessonStartProgress } from "../../../shared/api-types.ts";
import type { LabActionProgress } from "../../../shared/room/feed.ts";
import { LabBusy, NotFound } from "../../errors.ts";
import { lessonNumber, readLessons } from "../../lesson-start/lessons.ts";
import type { LabAnswer, LabApps } from "../lab-apps.ts";
import type { Attendee } from "../store/store.ts";
import type { RoomBus } from "./bus.ts";

/** How often a lesson-start's progress is read while it runs. */
const POLL_MS = 400;
/** A catch-up replays at most a few hundred steps: one still running after this is given up on. */
const LESSON_START_LIMIT_MS = 15 * 60_000;

type Publish = (state: LabActionProgress["state"], message: string) => void;

export class LabActions {
  /** The labs an action runs on now: one at a time per lab. */
  private readonly running = new Set<string>();

  constructor(
    private readonly labs: LabApps,
    private readonly bus: RoomBus,
    /** Counts a call of the hub's on a lab as the attendee's would (idle-labs.ts): it is not parked under it. */
    private readonly seen: (labId: string) => void = () => {},
    private readonly pollMs = POLL_MS,
  ) {}

  /** A call to the attendee's lab's own API, counted as a call to the lab. */
  private call(attendee: Attendee, path: string, body?: unknown): Promise<LabAnswer> {
    this.seen(attendee.labId);
    return this.labs.call(attendee.labId, attendee.displayName, path, body);
  }

  /** Starts resetting the attendee's lab and returns at once; LabBusy while another action runs on it. */
  reset(attendee: Attendee): void {
    this.start(attendee, { action: "reset" }, () => this.runReset(attendee));
  }

  /** Starts bringing the attendee's lab to lesson `n`'s start; NotFound for a lesson there isn't. */
  async lessonStart(attendee: Attendee, n: number): Promise<void> {
    const lesson = (await readLessons()).find((candidate) => lessonNumber(candidate) === n);
    if (!lesson) throw new NotFound(`There is no lesson ${n}.`);
    const name = lesson.file.replace(/\.mdx$/, "");
    this.start(attendee, { action: "lesson-start", lesson: name }, (publish) =>
      this.runLessonStart(attendee, n, publish),
    );
  }

  private start(
    attendee: Attendee,
    what: Pick<LabActionProgress, "action" | "lesson">,
    run: (publish: Publish) => Promise<string>,
  ): void {
    if (this.running.has(attendee.labId)) {
      throw new LabBusy(`Something is already being done to ${attendee.displayName}'s lab: wait for it to finish.`);
    }
    this.running.add(attendee.labId);
    const publish: Publish = (state, message) => {
      const event: LabActionProgress = { type: "lab-action", attendeeId: attendee.id, ...what, state, message };
      this.bus.toInstructors(event);
      this.bus.toAttendee(attendee.id, event);
    };
    publish("running", what.action === "reset" ? "resetting the lab" : `starting: bringing it to ${what.lesson}`);
    void run(publish)
      .then((done) => publish("done", done))
      .catch((error: unknown) => publish("failed", error instanceof Error ? error.message : String(error)))
      .finally(() => this.running.delete(attendee.labId));
  }

  private async runReset(attendee: Attendee): Promise<string> {
    expectOk(await this.call(attendee, "/api/lab/reset", {}));
    return "the lab is fresh again";
  }

  private async runLessonStart(attendee: Attendee, n: number, publish: Publish): Promise<string> {
    const call = (body?: unknown) => this.call(attendee, "/api/lab/lesson-start", body);
    let progress = (expectOk(await call({ lesson: n })) as LessonStartProgress | null) ?? null;
    let said = "";
    const deadline = Date.now() + LESSON_START_LIMIT_MS;
    while (progress && progress.phase !== "done" && progress.phase !== "failed") {
      if (Date.now() > deadline) throw new Error(`still not done after ${LESSON_START_LIMIT_MS / 60_000} minutes`);
      if (progress.says !== said) publish("running", (said = progress.says));
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
      progress = (expectOk(await call()) as { progress: LessonStartProgress | null }).progress;
    }
    if (!progress) throw new Error("the lab forgot the request (did it restart?)");
    if (progress.phase === "failed") throw new Error(progress.error ?? progress.says);
    return progress.says;
  }
}

/** The lab's answer's body when it succeeded; its error's message, thrown, when not. */
function expectOk(answer: LabAnswer): unknown {
  if (answer.status < 300) return answer.json;
  const message = (answer.json as { error?: { message?: string } } | null)?.error?.message;
  throw new Error(message ?? `the lab answered ${answer.status}`);
}
