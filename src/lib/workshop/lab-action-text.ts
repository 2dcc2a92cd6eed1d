// What the attendee's page says while the instructor acts on their lab (issue 14), from the lab-action messages
// of their feed (shared/room/feed.ts).
import type { LabActionProgress } from "../../../shared/room/feed.ts";

function lessonWords(lesson: string | undefined): string {
  const n = lesson ? /^(\d+)-/.exec(lesson)?.[1] : undefined;
  return n ? `lesson ${Number(n)}` : "a lesson";
}

export function labActionText(progress: LabActionProgress): string {
  const where = lessonWords(progress.lesson);
  if (progress.action === "reset") {
    if (progress.state === "running") return "The instructor is resetting your lab…";
    if (progress.state === "done") return "✓ The instructor reset your lab: it is fresh again.";
    return `✗ The instructor's reset of your lab failed: ${progress.message}`;
  }
  if (progress.state === "running") {
    return `The instructor is bringing your lab to the start of ${where}… (${progress.message})`;
  }
  if (progress.state === "done") return `✓ The instructor brought your lab to the start of ${where}.`;
  return `✗ Bringing your lab to the start of ${where} failed: ${progress.message}`;
}
