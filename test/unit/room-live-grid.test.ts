// The room's live grid (server/workshop/room/room-grid.ts) under a burst of progress events: the events are read
// from the store once and then kept from the bus, rebuilds are coalesced (one for a burst, the next REBUILD_MS
// after the last began), and every event reaches a grid within REBUILD_MS; each grid says `through` which event.
// The clock is Vitest's, so the test says what happens when, not how long the machine takes.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RoomBus } from "../../server/workshop/room/bus.ts";
import { REBUILD_MS, RoomGrid, type RoomGridView } from "../../server/workshop/room/room-grid.ts";
import type { StoredProgressEvent } from "../../shared/progress-events.ts";

const ADA = { id: "a", displayName: "Ada", labId: "001" };

function event(id: number, sql?: string): StoredProgressEvent {
  return {
    id,
    attendeeId: "a",
    at: new Date().toISOString(),
    kind: "ran",
    lesson: "03-schema",
    step: 1,
    ...(sql ? { sql } : {}),
  };
}

describe("the room's live grid", () => {
  let bus: RoomBus;
  let reads: number;
  let grid: RoomGrid;
  let seen: RoomGridView[];

  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-11-26T10:00:00Z") });
    bus = new RoomBus();
    reads = 0;
    seen = [];
    grid = new RoomGrid({
      bus,
      allProgress: async () => {
        reads++;
        return [event(1, "SELECT 'stored';")];
      },
      attendees: async () => [ADA],
    });
  });

  afterEach(() => {
    grid.close();
    vi.useRealTimers();
  });

  it("reads the store once, then rebuilds from memory: one grid per burst, each event within REBUILD_MS", async () => {
    expect((await grid.grid()).through).toBe(1);
    grid.subscribe((next) => seen.push(next));
    for (let id = 2; id <= 51; id++) bus.progress(event(id, "SELECT 'kept out of the grid';"));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.map((g) => g.through)).toEqual([51]);
    // The next event comes 100 ms after that rebuild began: its grid waits for REBUILD_MS since then, no longer.
    await vi.advanceTimersByTimeAsync(100);
    bus.progress(event(52));
    await vi.advanceTimersByTimeAsync(REBUILD_MS - 100 - 1);
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.map((g) => g.through)).toEqual([51, 52]);
    expect(reads).toBe(1);
    expect(JSON.stringify(seen)).not.toMatch(/SELECT/);
  });

  it("keeps events the bus brought before the store was read, and stops rebuilding when nobody listens", async () => {
    bus.progress(event(1));
    bus.progress(event(2));
    const first = await grid.grid();
    expect(first.through).toBe(2);
    const stop = grid.subscribe((next) => seen.push(next));
    stop();
    bus.progress(event(3));
    await vi.advanceTimersByTimeAsync(REBUILD_MS * 2);
    expect(seen).toEqual([]);
    expect((await grid.grid()).through).toBe(3);
  });
});
