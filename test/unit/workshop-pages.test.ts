// The small pure parts of workshop mode's pages: how the status panel names a workshop lab, and the mark the hub
// puts on the pages it serves.
import { describe, expect, it } from "vitest";
import { markWorkshop } from "../../server/site.ts";
import { labLabel, workshopModeLabel } from "../../src/lib/rejoin-link.ts";

describe("the status panel's name for a workshop lab", () => {
  it("is 'lab' and the local driver's number", () => {
    expect(labLabel("007")).toBe("lab 007");
    expect(workshopModeLabel({ labId: "012", name: "Ada" })).toBe("Workshop · lab 012");
  });

  it("is an inventory lab's own id when that already says lab", () => {
    expect(labLabel("lab-01")).toBe("lab-01");
    expect(labLabel("lab7")).toBe("lab7");
    expect(labLabel("Lab_3")).toBe("Lab_3");
    expect(labLabel("laboratory-1")).toBe("lab laboratory-1");
    expect(labLabel("room-4")).toBe("lab room-4");
  });
});

describe("the hub's mark on its pages", () => {
  it("adds data-workshop to the <html> element only", () => {
    const page = '<!DOCTYPE html><html lang="en" dir="ltr"><head></head><body><p>&lt;html x&gt;</p></body></html>';
    expect(markWorkshop(page)).toBe(
      '<!DOCTYPE html><html data-workshop lang="en" dir="ltr"><head></head><body><p>&lt;html x&gt;</p></body></html>',
    );
    expect(markWorkshop("<html><body></body></html>")).toBe("<html data-workshop><body></body></html>");
    expect(markWorkshop("<htmlish>")).toBe("<htmlish>");
  });
});
