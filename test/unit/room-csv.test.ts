// The grid as CSV: one row per attendee (name, lab, a column per step), quoted as RFC 4180 says.
import { describe, expect, it } from "vitest";
import { csvField, toCsv } from "../../server/workshop/room/csv.ts";
import { buildGrid, type RoomAttendee } from "../../server/workshop/room/grid.ts";
import type { StoredProgressEvent } from "../../shared/progress-events.ts";
import type { RoomColumn } from "../../shared/room/columns.ts";

const LESSON = "05-subscriptions";
const NOW = new Date("2026-11-26T10:00:00Z");
const columns: RoomColumn[] = [
  { kind: "step", id: "s1", lesson: LESSON, label: "5 · cell 1", step: 1, expectation: { kind: "ok" } },
  { kind: "check", id: "c", lesson: LESSON, label: "5 · slave2 subscribed", check: "subscription:slave2:usersub" },
];
const attendees: RoomAttendee[] = [
  { id: "a", displayName: 'Ada "the first", Lovelace', labId: "lab-1" },
  { id: "b", displayName: "Bo", labId: "lab-2" },
  { id: "c", displayName: "Cy\nNewline", labId: "lab-3" },
];
const at = NOW.toISOString();
const events: StoredProgressEvent[] = [
  { id: 1, attendeeId: "a", at, lesson: LESSON, kind: "expectation", step: 1, met: true },
  // Met, then lost: failed (a check never met yet stays blank).
  { id: 2, attendeeId: "a", at, lesson: LESSON, kind: "state-check", check: "subscription:slave2:usersub", met: true },
  { id: 4, attendeeId: "a", at, lesson: LESSON, kind: "state-check", check: "subscription:slave2:usersub", met: false },
  { id: 3, attendeeId: "b", at, lesson: LESSON, kind: "state-check", check: "subscription:slave2:usersub", met: true },
];

/** A minimal RFC 4180 reader, to check that the file reads back as the grid. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') ((field += '"'), i++);
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") (row.push(field), (field = ""));
    else if (char === "\r" && text[i + 1] === "\n") (row.push(field), rows.push(row), (row = []), (field = ""), i++);
    else field += char;
  }
  return rows;
}

describe("the grid as CSV", () => {
  const grid = buildGrid({ columns, attendees, events, expectations: new Map(), now: NOW });
  const csv = toCsv(grid);

  it("has a header of name, lab and the columns' labels, then one row per attendee, as the grid shows", () => {
    expect(parseCsv(csv)).toEqual([
      ["name", "lab", "5 · cell 1", "5 · slave2 subscribed"],
      ['Ada "the first", Lovelace', "lab-1", "done", "failed"],
      ["Bo", "lab-2", "", "done"],
      ["Cy\nNewline", "lab-3", "", ""],
    ]);
  });

  it("quotes a field with a comma, a quote or a line break, doubling its quotes, and ends every line in CRLF", () => {
    expect(csv.split("\r\n")[1]).toBe('"Ada ""the first"", Lovelace",lab-1,done,failed');
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\r\nlines")).toBe('"two\r\nlines"');
  });
});
