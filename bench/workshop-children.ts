// The bench's two child processes: the simulated attendees (workshop-attendees.ts, a process of their own so that
// their CPU is not the hub's) and the simulated instructor watching the room's feed (workshop-instructor.ts).
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { AttendeesResult, AttendeesTask } from "./workshop-attendees.ts";
import type { InstructorResult, InstructorTask } from "./workshop-instructor.ts";

/**
 * The simulated instructor (workshop-instructor.ts) in a process of its own, on the room's feed from before the
 * attendees join; `stop` waits until the feed has shown the last event (or 10 s) and gives what it saw.
 */
export async function watchRoom(
  task: InstructorTask,
): Promise<{ stop: (lastId: number) => Promise<InstructorResult> }> {
  const child = fork(fileURLToPath(new URL("./workshop-instructor.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const result = new Promise<InstructorResult>((resolve, reject) => {
    child.on("message", (message) => {
      const grids = (message as Partial<InstructorResult>).grids;
      if (grids) resolve(message as InstructorResult);
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the instructor's process ended (${code}) without a result`)));
  });
  await new Promise<void>((resolve, reject) => {
    child.on("message", (message) => {
      if ((message as { ready?: boolean }).ready) resolve();
    });
    result.then((early) => reject(new Error(`the instructor could not watch the room: ${early.error}`)), reject);
    child.send(task);
  });
  return {
    stop: async (lastId) => {
      const cookie = instructorCookie(task);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && (await latestThrough(task, cookie)) < lastId) await sleep(100);
      await sleep(500);
      child.send("stop");
      return result;
    },
  };
}

/** Up to which event the room's grid is, as the instructor's API answers it now (0 on any failure). */
async function latestThrough(task: InstructorTask, cookie: Promise<string>): Promise<number> {
  return cookie
    .then((value) =>
      fetch(`${task.origin}/workshop/instructor/grid`, { headers: { Origin: task.origin, Cookie: value } }),
    )
    .then(async (response) => ((await response.json()) as { through?: number }).through ?? 0)
    .catch(() => 0);
}

/** The instructor's session cookie, for the bench's own look at the grid (not the watching instructor's). */
function instructorCookie(task: InstructorTask): Promise<string> {
  return fetch(`${task.origin}/workshop/instructor/login`, {
    method: "POST",
    headers: { Origin: task.origin, "Content-Type": "application/json" },
    body: JSON.stringify({ passphrase: task.passphrase }),
  }).then((response) => (response.headers.getSetCookie()[0] ?? "").split(";")[0]!);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs the simulated attendees in a process of their own (workshop-attendees.ts says why) and gives their outcomes. */
export function runAttendees(task: AttendeesTask): Promise<AttendeesResult> {
  const child = fork(fileURLToPath(new URL("./workshop-attendees.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    let result: AttendeesResult | undefined;
    child.once("message", (message) => (result = message as AttendeesResult));
    child.once("error", reject);
    child.once("exit", (code) =>
      result ? resolve(result) : reject(new Error(`the attendees' process ended (${code}) without a result`)),
    );
    child.send(task);
  });
}
