// The simulated attendees of `npm run bench:workshop`, in a process of their own: in a real class each
// attendee's browser runs on their own machine, so their HTTP clients must not share the hub's event loop (where
// every response they parse would delay the hub's next request) nor hide in its CPU figure. bench/workshop.ts
// starts this with the hub's origin and join code; each attendee joins, waits for their lab to answer, and
// replays lessons 3 to 5 through the hub, every cell as the page runs it (shared/lessons/replay.ts, re-run until
// its expectation holds). After each step it reports progress to the hub as the page does in workshop mode (the
// step ran; its expectation met or not: POST /workshop/progress), noting when it sent each and the id the hub gave
// it, for the room's event-to-grid delay. The outcomes and this process's CPU time go back over the IPC channel.
import { performance } from "node:perf_hooks";
import type { LabStatus } from "../shared/api-types.ts";
import type { LessonStep } from "../shared/lessons/lesson-cells.ts";
import { runStep, type Post } from "../shared/lessons/replay.ts";
import type { ProgressEvent } from "../shared/progress-events.ts";
import { readLessons } from "../server/lesson-start/lessons.ts";

export const LESSON_FILES = ["03-", "04-", "05-"];

export interface AttendeesTask {
  origin: string;
  joinCode: string;
  attendees: number;
}

export interface AttendeesResult {
  outcomes: Outcome[];
  /** From the first join until the last attendee finished. */
  replaySeconds: number;
  /** This process's CPU seconds over that time: what the attendees' browsers would spend, elsewhere. */
  cpuSeconds: number;
}

interface Attendee {
  name: string;
  cookie: string;
  csrf: string;
  lab: string;
}

/** A progress event as sent: the hub's id for it, and the wall-clock milliseconds when its POST began. */
export interface SentEvent {
  id: number;
  sentAt: number;
}

export interface Outcome {
  joinMs: number;
  /** join-to-ready's parts: the join POST, the first GET /api/lab, the first cell. */
  partsMs: [number, number, number];
  /** Each cell's SQL (its first line) and latency. */
  timedCells: { sql: string; ms: number }[];
  cellMs: number[];
  steps: number;
  missed: string[];
  lab: string;
  events: SentEvent[];
}

const task = await new Promise<AttendeesTask>((resolve) => {
  process.once("message", (message) => resolve(message as AttendeesTask));
});
const { origin } = task;
const lessons = (await readLessons()).filter((lesson) => LESSON_FILES.some((start) => lesson.file.startsWith(start)));
const cpuBefore = process.cpuUsage();
const started = performance.now();
const outcomes = await Promise.all(Array.from({ length: task.attendees }, (_, i) => attend(`Attendee ${i + 1}`)));
const cpu = process.cpuUsage(cpuBefore);
const result: AttendeesResult = {
  outcomes,
  replaySeconds: (performance.now() - started) / 1000,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
};
process.send!(result, () => process.disconnect());

/** One attendee: joins, waits for their lab to answer, replays lessons 3 to 5 through the hub. */
async function attend(name: string): Promise<Outcome> {
  const joining = performance.now();
  const who = await join(name);
  const joined = performance.now();
  const post = poster(who);
  const timedCells: { sql: string; ms: number }[] = [];
  const timed: Post = async <T>(route: string, body: unknown) => {
    const started = performance.now();
    const answer = await post<T>(route, body);
    const sql = (body as { sql?: string }).sql;
    if (route === "/api/query") timedCells.push({ sql: firstLine(sql ?? ""), ms: performance.now() - started });
    return answer;
  };
  const { lab, statusAt } = await ready(who, post);
  const readyAt = performance.now();
  const joinMs = readyAt - joining;
  const partsMs: [number, number, number] = [joined - joining, statusAt - joined, readyAt - statusAt];
  const missed: string[] = [];
  const events: SentEvent[] = [];
  let steps = 0;
  for (const lesson of lessons) {
    for (const [i, step] of lesson.steps.entries()) {
      const outcome = await runStep(step, lab, timed).catch((error: Error) => ({ met: false, reason: error.message }));
      steps++;
      if (!outcome.met) missed.push(`${who.lab} ${lesson.file} step ${i + 1}: ${outcome.reason}`);
      events.push(...(await reportStep(post, lesson.file, i + 1, step, outcome.met)));
    }
  }
  return {
    joinMs,
    partsMs,
    timedCells,
    cellMs: timedCells.map((cell) => cell.ms),
    steps,
    missed,
    lab: who.lab,
    events,
  };
}

/** What the page reports after a step: that it ran, and for a cell with an expectation, whether it was met. */
async function reportStep(post: Post, file: string, step: number, what: LessonStep, met: boolean) {
  const lesson = file.replace(/\.mdx$/, "");
  const reports: ProgressEvent[] = [{ kind: "ran", lesson, step, ...(what.kind === "sql" ? { sql: what.code } : {}) }];
  if (what.kind === "sql" && what.expect !== undefined) reports.push({ kind: "expectation", lesson, step, met });
  const sent: SentEvent[] = [];
  for (const report of reports) {
    const sentAt = performance.timeOrigin + performance.now();
    const { id } = await post<{ id: number }>("/workshop/progress", report);
    sent.push({ id, sentAt });
  }
  return sent;
}

async function join(name: string): Promise<Attendee> {
  const response = await fetch(`${origin}/workshop/join`, {
    method: "POST",
    headers: { Origin: origin, "Content-Type": "application/json" },
    body: JSON.stringify({ code: task.joinCode, name }),
  });
  if (!response.ok) throw new Error(`${name} could not join: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { csrf: string; lab: string };
  const cookie = (response.headers.getSetCookie()[0] ?? "").split(";")[0]!;
  return { name, cookie, csrf: body.csrf, lab: body.lab };
}

/** POSTs as the attendee's page does: the session cookie, the CSRF token as its Bearer token, its own origin. */
function poster(who: Attendee): Post {
  return async <T>(route: string, body: unknown) => {
    const response = await fetch(`${origin}${route}`, {
      method: "POST",
      headers: headers(who, { "Content-Type": "application/json" }),
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${route} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };
}

function headers(who: Attendee, more: Record<string, string> = {}): Record<string, string> {
  return { Origin: origin, Cookie: who.cookie, Authorization: `Bearer ${who.csrf}`, ...more };
}

/** The lab's status once its four nodes are up and master answers a first cell: what the page waits for. */
async function ready(who: Attendee, post: Post): Promise<{ lab: LabStatus; statusAt: number }> {
  for (;;) {
    const response = await fetch(`${origin}/api/lab`, { headers: headers(who) });
    if (response.ok) {
      const status = (await response.json()) as LabStatus;
      if (status.nodes.every((node) => node.state === "up")) {
        const statusAt = performance.now();
        await post("/api/query", { node: "master", sql: "SELECT 1" });
        return { lab: status, statusAt };
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function firstLine(sql: string): string {
  return sql.trim().split("\n")[0]!.slice(0, 60);
}
