// The simulated instructor of `npm run bench:workshop`, in a process of its own (as the attendees are: the
// instructor's browser is on another machine, and reading the feed must not share the hub's event loop). It logs
// in with the passphrase, opens the room's live feed (GET /workshop/instructor/feed) and notes when each `grid`
// event arrives and up to which progress event it shows (`through`). bench/workshop.ts pairs those with the times
// the attendees sent their events: the event-to-grid delay.
import { performance } from "node:perf_hooks";

export interface InstructorTask {
  origin: string;
  passphrase: string;
}

/** One grid the feed delivered: every event with an id up to `through` is in it. */
export interface GridSeen {
  through: number;
  /** Wall-clock milliseconds (performance.timeOrigin + now), comparable across this machine's processes. */
  at: number;
}

export interface InstructorResult {
  grids: GridSeen[];
  /** Events of other types the feed sent, by type. */
  others: Record<string, number>;
  error?: string;
}

const task = await new Promise<InstructorTask>((resolve) => {
  process.once("message", (message) => resolve(message as InstructorTask));
});
const grids: GridSeen[] = [];
const others: Record<string, number> = {};
const controller = new AbortController();
process.once("message", () => controller.abort());

let error: string | undefined;
try {
  const cookie = await login();
  process.send!({ ready: true });
  await readFeed(cookie);
} catch (caught) {
  if (!controller.signal.aborted) error = caught instanceof Error ? caught.message : String(caught);
}
const result: InstructorResult = { grids, others, ...(error ? { error } : {}) };
process.send!(result, () => process.disconnect());

async function login(): Promise<string> {
  const response = await fetch(`${task.origin}/workshop/instructor/login`, {
    method: "POST",
    headers: { Origin: task.origin, "Content-Type": "application/json" },
    body: JSON.stringify({ passphrase: task.passphrase }),
  });
  if (!response.ok) throw new Error(`the instructor could not log in: ${response.status} ${await response.text()}`);
  return (response.headers.getSetCookie()[0] ?? "").split(";")[0]!;
}

/** Reads the feed until told to stop, noting each grid's arrival as soon as its last line is in. */
async function readFeed(cookie: string): Promise<void> {
  const response = await fetch(`${task.origin}/workshop/instructor/feed`, {
    headers: { Origin: task.origin, Cookie: cookie, Accept: "text/event-stream" },
    signal: controller.signal,
  });
  if (!response.ok || !response.body) throw new Error(`the room's feed answered ${response.status}`);
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of response.body) {
    const at = performance.timeOrigin + performance.now();
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      noteEvent(buffer.slice(0, end), at);
      buffer = buffer.slice(end + 2);
    }
  }
}

function noteEvent(block: string, at: number): void {
  const type = /^event: (.*)$/m.exec(block)?.[1];
  if (!type) return;
  if (type !== "grid") {
    others[type] = (others[type] ?? 0) + 1;
    return;
  }
  const data = block
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => line.slice(6))
    .join("\n");
  const through = (JSON.parse(data) as { through?: number }).through;
  if (typeof through === "number") grids.push({ through, at });
}
