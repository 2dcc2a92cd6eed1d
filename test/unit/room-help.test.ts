// Help requests' lives (server/workshop/room/help.ts): one open request per attendee, answered only by its
// attendee and only once, ended by either side once, and nothing said about other attendees' requests.
import { describe, expect, it } from "vitest";
import { LabBusy, NotFound } from "../../server/errors.ts";
import { HelpRequests } from "../../server/workshop/room/help.ts";

describe("help requests", () => {
  it("are asked once per attendee at a time, answered by that attendee once, and ended once", () => {
    const requests = new HelpRequests();
    const asked = requests.ask("ada", "Ada");
    expect(asked).toMatchObject({ attendeeId: "ada", state: "asked" });
    expect(asked.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(() => requests.ask("ada", "Ada")).toThrow(
      new LabBusy("Ada has a help request asked already: end it first."),
    );
    expect(requests.ask("bo", "Bo").attendeeId).toBe("bo");

    expect(() => requests.answer(asked.id, "bo", true)).toThrow(NotFound);
    expect(requests.answer(asked.id, "ada", true).state).toBe("accepted");
    expect(() => requests.answer(asked.id, "ada", false)).toThrow(/was accepted already/);
    expect(requests.openFor("ada")?.id).toBe(asked.id);

    expect(() => requests.end(asked.id, { attendeeId: "bo" })).toThrow(NotFound);
    expect(requests.end(asked.id, { instructor: true }).state).toBe("ended");
    expect(() => requests.end(asked.id, { attendeeId: "ada" })).toThrow(/was ended already/);
    expect(requests.openFor("ada")).toBeUndefined();
    expect(requests.ask("ada", "Ada").id).not.toBe(asked.id);
  });

  it("declined leaves none open, and an unknown id is not found", () => {
    const requests = new HelpRequests();
    const asked = requests.ask("ada", "Ada");
    expect(requests.answer(asked.id, "ada", false).state).toBe("declined");
    expect(requests.openFor("ada")).toBeUndefined();
    expect(() => requests.end(asked.id, { instructor: true })).toThrow(/was declined already/);
    expect(() => requests.of("nope", { instructor: true })).toThrow(NotFound);
  });
});
