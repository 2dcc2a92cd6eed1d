// The instructor's room's API (issue 14): the grid, its live feed, one attendee's read-only view and their lab
// drawn live, and the grid as CSV. Every route answers the instructor's session only (an attendee's session or
// none gets 401). What the instructor does to the class (broadcast, present, a lab's reset) is class-routes.ts.
// The room's page (src/pages/workshop/room.astro) is static and reads everything from here.
import express, { Router } from "express";
import { INSTRUCTOR_FEED_PATH } from "../../../shared/room/feed.ts";
import type { LabView, RoomAttendeeDetail, RoomGridData } from "../../../shared/room/room-api.ts";
import { NotFound } from "../../errors.ts";
import { openEventStream } from "../../routes/event-stream.ts";
import type { RoomContext } from "./context.ts";
import { toCsv } from "./csv.ts";
import { readLabView } from "./lab-view.ts";
import { RoomGrid } from "./room-grid.ts";

/** How many of an attendee's events their view lists, newest first. */
export const ATTENDEE_EVENTS_LIMIT = 200;

export function roomRoutes(room: RoomContext, grid = roomGrid(room)): Router {
  const router = Router();
  const instructor = (req: express.Request) => room.sessions.instructor(req);
  const noStore = (res: express.Response) => res.set("Cache-Control", "no-store");

  router.get("/workshop/instructor/grid", async (req, res) => {
    await instructor(req);
    const view: RoomGridData = await grid.grid();
    noStore(res).json(view);
  });

  router.get(INSTRUCTOR_FEED_PATH, async (req, res) => {
    await instructor(req);
    const first: RoomGridData = await grid.grid();
    const stream = openEventStream(req, res, room.keepAliveMs);
    stream.send("grid", first);
    stream.onClose(grid.subscribe((next) => stream.send("grid", next)));
    stream.onClose(room.bus.onInstructor((message) => stream.send(message.type, message)));
  });

  router.get("/workshop/instructor/progress.csv", async (req, res) => {
    await instructor(req);
    const csv = toCsv(await grid.grid());
    noStore(res)
      .type("text/csv; charset=utf-8")
      .set("Content-Disposition", 'attachment; filename="workshop-progress.csv"')
      .send(csv);
  });

  router.get("/workshop/instructor/attendees/:id", async (req, res) => {
    await instructor(req);
    const attendee = await attendeeNamed(room, String(req.params["id"]));
    const [events, now] = await Promise.all([
      room.store.latestProgressOf(attendee.id, ATTENDEE_EVENTS_LIMIT),
      grid.grid(),
    ]);
    const stuck = now.stuck.find((entry) => entry.attendee.id === attendee.id);
    const detail: RoomAttendeeDetail = {
      attendee: { id: attendee.id, displayName: attendee.displayName, labId: attendee.labId },
      events,
      stuck: stuck?.reasons ?? [],
      ...(stuck?.lastError ? { lastError: stuck.lastError } : {}),
    };
    noStore(res).json(detail);
  });

  router.get("/workshop/instructor/attendees/:id/lab", async (req, res) => {
    await instructor(req);
    const attendee = await attendeeNamed(room, String(req.params["id"]));
    const running = await room.provider.running(attendee.labId);
    const view: LabView = {
      labId: attendee.labId,
      ...(running ? await readLabView(running.lab) : { state: "parked" }),
    };
    noStore(res).json(view);
  });

  return router;
}

/** The room's live grid over the hub's store and bus. */
export function roomGrid(room: RoomContext): RoomGrid {
  return new RoomGrid({
    bus: room.bus,
    allProgress: () => room.store.allProgress(),
    attendees: async () =>
      (await room.store.attendees()).map(({ id, displayName, labId }) => ({ id, displayName, labId })),
  });
}

async function attendeeNamed(room: RoomContext, id: string) {
  const attendee = await room.store.attendee(id);
  if (!attendee) throw new NotFound(`There is no attendee "${id}" in this workshop.`);
  return attendee;
}
