// The room's grid, kept live (issue 14). The hub's store is the truth when the hub starts: the events are read
// from it once, on the first call, and from then on every stored event arrives on the bus and is appended here,
// so a rebuild (at most one every REBUILD_MS, however fast the class works) never reads the events table again.
// The events kept here carry no SQL nor output: the grid never shows them, and a long workshop's SQL is the bulk
// of its events' size.
import type { StoredProgressEvent } from "../../../shared/progress-events.ts";
import { roomColumns, stepExpectations, type RoomColumn, type StepExpectations } from "../../../shared/room/columns.ts";
import type { Lesson } from "../../../shared/lessons/lesson-files.ts";
import { readLessons } from "../../lesson-start/lessons.ts";
import type { RoomBus } from "./bus.ts";
import { buildGrid, type Grid, type RoomAttendee } from "./grid.ts";

/** The grid as the room's API and feed send it: `through` is the highest event id it includes (0: none yet). */
export interface RoomGridView extends Grid {
  through: number;
}

/** At most one rebuild this often; an event waits at most this long for the grid that includes it. */
export const REBUILD_MS = 250;
/** While a feed is open the grid is rebuilt this often even without events: joiners appear, and idleness grows. */
export const REFRESH_MS = 10_000;

export interface RoomGridSources {
  bus: RoomBus;
  allProgress(): Promise<StoredProgressEvent[]>;
  attendees(): Promise<RoomAttendee[]>;
  lessons?: () => Promise<Lesson[]>;
  now?: () => Date;
}

interface Lessons {
  columns: RoomColumn[];
  expectations: StepExpectations;
}

/** What the grid needs of an event. */
function lean(event: StoredProgressEvent): StoredProgressEvent {
  const { sql: _sql, output: _output, ...rest } = event;
  return rest;
}

export class RoomGrid {
  private readonly events: StoredProgressEvent[] = [];
  private readonly ids = new Set<number>();
  private through = 0;
  private loaded: Promise<void> | undefined;
  private lessons: Promise<Lessons> | undefined;
  private readonly listeners = new Set<(grid: RoomGridView) => void>();
  private timer: NodeJS.Timeout | undefined;
  private refresh: NodeJS.Timeout | undefined;
  private lastBuild = 0;
  /** An event came since the last rebuild began. */
  private dirty = false;
  private readonly stopListening: () => void;

  constructor(private readonly sources: RoomGridSources) {
    // Subscribed before the first load, so an event stored while the table is read is not missed: add() drops
    // the one the load also returned.
    this.stopListening = sources.bus.onProgress((event) => {
      this.add(event);
      this.dirty = true;
      this.schedule();
    });
  }

  /** The grid now, from the events held in memory (read from the store on the first call). */
  async grid(): Promise<RoomGridView> {
    this.loaded ??= this.sources.allProgress().then((events) => events.forEach((event) => this.add(event)));
    await this.loaded.catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    const { columns, expectations } = await this.lessonData();
    const through = this.through;
    const grid = buildGrid({
      columns,
      expectations,
      attendees: await this.sources.attendees(),
      events: this.events,
      now: this.sources.now?.() ?? new Date(),
    });
    return { ...grid, through };
  }

  /**
   * Calls `listener` with each rebuilt grid while subscribed: after progress events (coalesced), and every
   * REFRESH_MS. Gives the unsubscribe.
   */
  subscribe(listener: (grid: RoomGridView) => void): () => void {
    this.listeners.add(listener);
    this.refresh ??= setInterval(() => this.schedule(), REFRESH_MS).unref();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        clearInterval(this.refresh);
        this.refresh = undefined;
      }
    };
  }

  close(): void {
    this.stopListening();
    clearTimeout(this.timer);
    clearInterval(this.refresh);
    this.listeners.clear();
  }

  private add(event: StoredProgressEvent): void {
    if (this.ids.has(event.id)) return;
    this.ids.add(event.id);
    this.events.push(lean(event));
    this.through = Math.max(this.through, event.id);
  }

  /** A rebuild at most REBUILD_MS after the last one, and none while one is already due. */
  private schedule(): void {
    if (this.timer || this.listeners.size === 0) return;
    const wait = Math.max(0, this.lastBuild + REBUILD_MS - Date.now());
    this.timer = setTimeout(() => void this.rebuild(), wait);
  }

  private async rebuild(): Promise<void> {
    this.lastBuild = Date.now();
    this.dirty = false;
    try {
      const grid = await this.grid();
      for (const listener of this.listeners) listener(grid);
    } catch (error) {
      console.error(`workshop: the room's grid was not rebuilt: ${error instanceof Error ? error.message : error}`);
    } finally {
      // Cleared only now, so builds never overlap; events that came during this one get the next, REBUILD_MS
      // after this one began.
      this.timer = undefined;
      if (this.dirty) this.schedule();
    }
  }

  private lessonData(): Promise<Lessons> {
    this.lessons ??= (this.sources.lessons ?? (() => readLessons()))().then((lessons) => ({
      columns: roomColumns(lessons),
      expectations: stepExpectations(lessons),
    }));
    return this.lessons;
  }
}
