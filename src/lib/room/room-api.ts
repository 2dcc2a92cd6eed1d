// The room's calls to the hub (issue 14): reads with the instructor's session cookie, changes also with the
// session's CSRF token in X-CSRF-Token, asked for once (GET /workshop/instructor/session). The page holds nothing
// else: every fact it shows comes from these answers.
import { ROOM_PATHS, type LabView, type RoomAttendeeDetail, type RoomGridData } from "../../../shared/room/room-api.ts";

/** Why the room can't be shown: no instructor session (401), or a site that is not a workshop's hub (404). */
export class RoomUnavailable extends Error {
  constructor(
    readonly reason: "not-instructor" | "not-a-workshop" | "unreachable",
    message: string,
  ) {
    super(message);
  }
}

/** The hub's refusal of a change, in its words. */
export class RoomCallFailed extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function errorText(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? `${response.status} ${response.statusText}`;
}

async function read<T>(path: string): Promise<T> {
  const response = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (response.status === 401) throw new RoomUnavailable("not-instructor", await errorText(response));
  if (!response.ok) throw new RoomCallFailed(response.status, await errorText(response));
  return (await response.json()) as T;
}

export class RoomApi {
  private constructor(private readonly csrf: string) {}

  /** The instructor's session, or RoomUnavailable saying why there is none. */
  static async open(): Promise<RoomApi> {
    let response: Response;
    try {
      response = await fetch(ROOM_PATHS.session, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
    } catch {
      throw new RoomUnavailable("unreachable", "The hub does not answer.");
    }
    if (response.status === 401 || response.status === 403) {
      throw new RoomUnavailable("not-instructor", await errorText(response));
    }
    const type = response.headers.get("content-type") ?? "";
    if (!response.ok || !type.includes("json")) {
      throw new RoomUnavailable("not-a-workshop", "This site is not a workshop's hub.");
    }
    const { csrf } = (await response.json()) as { csrf: string };
    return new RoomApi(csrf);
  }

  grid(): Promise<RoomGridData> {
    return read(ROOM_PATHS.grid);
  }

  attendee(id: string): Promise<RoomAttendeeDetail> {
    return read(ROOM_PATHS.attendee(id));
  }

  lab(id: string): Promise<LabView> {
    return read(ROOM_PATHS.lab(id));
  }

  /** A change: the body as JSON, the CSRF token in its header; the hub's answer, or RoomCallFailed. */
  async post(path: string, body: unknown = {}): Promise<unknown> {
    const response = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": this.csrf, Accept: "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new RoomCallFailed(response.status, await errorText(response));
    return response.json().catch(() => null);
  }
}
