// Issue 14's whole room, as a class lives it: an instructor and three attendees, each in a browser context of
// their own, against a real hub with a real lab per attendee. The attendees move at different speeds (Ada runs all
// of lesson 3, Bo its first cell only, Cy starts at lesson 5 and fails its duplicate-slot step three times in a way
// the lesson didn't expect); the room's grid, its per-step counts and its stuck list show exactly that. The
// instructor brings Cy's lab to lesson 5's start from the room and Cy then passes the step; the instructor asks to
// help Cy in the console, Cy accepts, and a line typed by each shows in both terminals; Bo follows the presenter
// page from section to section; the CSV the room downloads says what the grid shows.
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readLessons } from "../../server/lesson-start/lessons.ts";
import type { RunningHub } from "../../server/workshop/serve.ts";
import { roomColumns, type RoomColumn, type StepColumn } from "../../shared/room/columns.ts";
import { screenshot, useBrowser } from "../support/browser.ts";
import { TEST_PASSPHRASE, testHub } from "../support/hub-client.ts";
import { tempDir } from "../support/temp-dir.ts";
import { localProvider } from "../support/workshop-labs.ts";
import { endTestWorkshop } from "../support/workshop-page.ts";

const { browser } = useBrowser();
const WIDE = { width: 1440, height: 900 };
const NAMES = ["Ada", "Bo", "Cy"] as const;
type Name = (typeof NAMES)[number];
const LESSON_3 = "03-schema";
const LESSON_5 = "05-subscriptions";
/** Lesson 5's "slot already exists" cell: CREATE SUBSCRIPTION usersub on slave2, expecting 08P01. */
const DUPLICATE_SLOT_CELL = 'expect="error:08P01"';

let dir: string;
let hub: RunningHub;
const contexts: BrowserContext[] = [];
const attendees = new Map<Name, Page>();
let room: Page;
let columns: RoomColumn[];
let lesson3Steps: StepColumn[];
let duplicateSlot: StepColumn;

const base = () => `http://127.0.0.1:${hub.port}`;
const page = (name: Name) => attendees.get(name)!;

async function newPage(): Promise<Page> {
  const context = await browser().newContext({ viewport: WIDE });
  contexts.push(context);
  return context.newPage();
}

async function waitForLab(on: Page): Promise<void> {
  await on.locator(".lab-status.compact [data-node='master'][data-state='up']").waitFor({ timeout: 180_000 });
}

/** The lesson's cells on the page, by their 1-based step as the room counts them (a cell's key counts from 0). */
const cellAt = (on: Page, lesson: string, step: number) => on.locator(`sql-cell[data-key="${lesson}.mdx#${step - 1}"]`);

/** How many times the hub has stored a judgement of this step for the page's attendee. */
function judged(on: Page, lesson: string, step: number): Promise<number> {
  return on.evaluate(
    async ([lesson, step]) => {
      const { events } = (await (await fetch("/workshop/me/progress")).json()) as {
        events: { kind: string; lesson?: string; step?: number }[];
      };
      return events.filter((e) => e.kind === "expectation" && e.lesson === lesson && e.step === step).length;
    },
    [lesson, step] as const,
  );
}

/** Runs a judged cell and waits until the hub has its verdict (the page reports it once the run ends). */
async function runCell(on: Page, lesson: string, step: number): Promise<void> {
  const before = await judged(on, lesson, step);
  await cellAt(on, lesson, step).locator(".sql-cell__run").click();
  await expect.poll(() => judged(on, lesson, step), { timeout: 60_000 }).toBe(before + 1);
}

const gridRow = (name: Name) =>
  room.locator(".room-grid__table tbody tr", { has: room.locator("th button", { hasText: name }) });
const mark = (name: Name, column: RoomColumn) => gridRow(name).locator(`td[data-column="${column.id}"]`);
const count = (column: RoomColumn) => room.locator(`.room-grid__counts td[data-column="${column.id}"]`);

beforeAll(async () => {
  dir = await tempDir("workshop-class-room");
  const provider = await localProvider(dir, { maxLabs: 3, poolSize: 3 });
  hub = await testHub({ workshopDir: dir, provider, publicHosts: ["127.0.0.1"] });
  columns = roomColumns(await readLessons());
  lesson3Steps = columns.filter((c): c is StepColumn => c.kind === "step" && c.lesson === LESSON_3);
  await vi.waitFor(() => expect(provider.status().ready).toBe(3), { timeout: 400_000, interval: 500 });
  for (const name of NAMES) {
    const attendee = await newPage();
    await attendee.goto(`${base()}/join?code=${hub.joinCode}`);
    await attendee.fill("#name", name);
    await attendee.click("button[type=submit]");
    await waitForLab(attendee);
    attendees.set(name, attendee);
  }
  room = await newPage();
  await room.goto(`${base()}/instructor`);
  await room.fill("#passphrase", TEST_PASSPHRASE);
  await room.click("button[type=submit]");
  await room.click("text=Open the room");
  await room.locator("room-page[data-feed=live]").waitFor({ timeout: 30_000 });
}, 600_000);

afterAll(() => endTestWorkshop(dir, hub, contexts), 180_000);

describe("the instructor's room with three attendees", () => {
  it("shows each attendee's progress, the per-step counts and who is stuck, exactly", async () => {
    expect(lesson3Steps.length).toBeGreaterThan(1);
    // Ada runs all of lesson 3; Bo its first judged cell only.
    const ada = page("Ada");
    await ada.goto(`${base()}/lessons/${LESSON_3}/`);
    await waitForLab(ada);
    await ada.getByRole("button", { name: "Run all cells" }).click();
    await expect
      .poll(() => ada.locator(".run-all__status").textContent(), { timeout: 120_000 })
      .toMatch(/^All \d+ cells ran as expected/);
    const bo = page("Bo");
    await bo.goto(`${base()}/lessons/${LESSON_3}/`);
    await waitForLab(bo);
    await runCell(bo, LESSON_3, lesson3Steps[0]!.step);

    // Cy goes straight to lesson 5 and runs its duplicate-slot cell before slave1 has subscribed: the first run
    // creates usersub on slave2 (no error where one is expected), the next two fail with 42710 (already exists),
    // an error the lesson does not expect.
    const cy = page("Cy");
    await cy.goto(`${base()}/lessons/${LESSON_5}/`);
    await waitForLab(cy);
    duplicateSlot = columns.find(
      (c): c is StepColumn =>
        c.kind === "step" && c.lesson === LESSON_5 && c.expectation.kind === "error" && c.expectation.code === "08P01",
    )!;
    expect(duplicateSlot, `lesson 5 has a cell with ${DUPLICATE_SLOT_CELL}`).toBeDefined();
    for (let i = 0; i < 3; i++) await runCell(cy, LESSON_5, duplicateSlot.step);

    // The grid: lesson 3's judged cells done for Ada, the first for Bo, none for Cy; the duplicate-slot cell failed
    // for Cy only.
    for (const [i, column] of lesson3Steps.entries()) {
      await expect.poll(() => mark("Ada", column).getAttribute("data-mark"), { timeout: 20_000 }).toBe("done");
      expect(await mark("Bo", column).getAttribute("data-mark")).toBe(i === 0 ? "done" : "not-yet");
      expect(await mark("Cy", column).getAttribute("data-mark")).toBe("not-yet");
      expect(await count(column).innerText()).toBe(i === 0 ? "2 of 3" : "1 of 3");
    }
    await expect.poll(() => mark("Cy", duplicateSlot).getAttribute("data-mark"), { timeout: 20_000 }).toBe("failed");
    expect(await mark("Ada", duplicateSlot).getAttribute("data-mark")).toBe("not-yet");
    expect(await count(duplicateSlot).innerText()).toBe("0 of 3");

    // Stuck: Cy alone, for both rules, with her last error.
    await expect.poll(() => room.locator(".room-count--stuck").innerText(), { timeout: 20_000 }).toBe("1");
    const stuck = room.locator(".room-stuck__entry");
    expect(await stuck.count()).toBe(1);
    // Her unexpected error makes her stuck at her second run; the third run's event may reach the room after it.
    const thrice = `failed ${LESSON_5} step ${duplicateSlot.step} 3 times in a row`;
    await expect.poll(() => stuck.innerText(), { timeout: 20_000 }).toContain(thrice);
    const text = await stuck.innerText();
    expect(text).toMatch(/^Cy/);
    expect(text).toContain(`error 42710 at ${LESSON_5} step ${duplicateSlot.step}, where the lesson expects 08P01`);
    expect(text).toMatch(/42710 subscription "usersub" already exists/);
    await screenshot(room, "class-room-stuck");
  }, 400_000);

  it("brings the stuck attendee's lab to lesson 5's start from the room, after which she passes the step", async () => {
    await room.locator(".room-stuck__entry button", { hasText: "Open" }).click();
    const panel = room.locator(".room-attendee");
    await expect.poll(() => panel.locator(".room-attendee__name").innerText()).toMatch(/^Cy · lab /);
    await panel.locator(".room-attendee__lesson").selectOption("5");
    await panel.locator(".room-attendee__start").click();
    await expect
      .poll(() => panel.locator(".room-attendee__action").getAttribute("data-state"), { timeout: 120_000 })
      .toBe("done");
    // Cy's page is told too.
    const cy = page("Cy");
    await expect.poll(() => cy.locator(".rl-class__action").innerText(), { timeout: 20_000 }).toMatch(/lesson 5/i);
    // From lesson 5's start: slave1 subscribes first (cell 1), then the duplicate slot fails as the lesson says.
    await runCell(cy, LESSON_5, 1);
    await runCell(cy, LESSON_5, duplicateSlot.step);
    expect(await cellAt(cy, LESSON_5, duplicateSlot.step).locator(".cell-verdict--met").count()).toBe(1);
    await expect.poll(() => mark("Cy", duplicateSlot).getAttribute("data-mark"), { timeout: 20_000 }).toBe("done");
    expect(await count(duplicateSlot).innerText()).toBe("1 of 3");
    await expect.poll(() => room.locator(".room-count--stuck").innerText(), { timeout: 20_000 }).toBe("0");
  }, 300_000);

  it("helps the attendee in one console both type into, once she accepts", async () => {
    const panel = room.locator(".room-attendee");
    const help = panel.locator("room-help-console");
    await help.getByRole("button", { name: "Help in console" }).click();
    const cy = page("Cy");
    const dialog = cy.getByRole("dialog");
    await dialog.waitFor({ timeout: 20_000 });
    await dialog.getByRole("button", { name: "Accept" }).click();
    await cy.locator(".help-banner").waitFor({ timeout: 20_000 });
    await expect.poll(() => help.locator(".room-help__state").textContent(), { timeout: 20_000 }).toMatch(/connected/);
    const mine = cy.locator(".help-panel__screen");
    const theirs = help.locator(".room-help__screen");
    await mine.locator(".xterm").click();
    await cy.keyboard.type("SELECT 1 AS from_attendee;\n");
    await theirs.locator(".xterm").click();
    await room.keyboard.type("SELECT 2 AS from_instructor;\n");
    for (const screen of [mine, theirs]) {
      await expect.poll(() => rows(screen), { timeout: 20_000 }).toMatch(/from_attendee[\s\S]*from_instructor/);
    }
    await screenshot(room, "class-room-help");
    await cy.locator(".help-banner").getByRole("button", { name: "End help" }).click();
    await expect.poll(() => cy.locator(".help-banner").count()).toBe(0);
  }, 120_000);

  it("moves a follower's page when the instructor's presenter page changes section", async () => {
    const presenter = await room.context().newPage();
    await presenter.goto(`${base()}/lessons/${LESSON_5}/?present`);
    await presenter.locator(".rl-presenting").waitFor({ timeout: 20_000 });
    const bo = page("Bo");
    const dock = bo.getByRole("complementary", { name: "Workshop" });
    await expect.poll(() => dock.locator(".rl-class__where").isVisible(), { timeout: 20_000 }).toBe(true);
    await dock.getByRole("button", { name: "Follow" }).click();
    await bo.waitForURL(new RegExp(`/lessons/${LESSON_5}/`), { timeout: 20_000 });
    // Bo's new page has loaded and heard where the instructor is (the page's start) before the instructor moves:
    // a move that arrives while a page is still laying out is another case (its scroll can be lost to the layout).
    await bo.waitForLoadState("load");
    await expect
      .poll(() => dock.locator(".rl-class__where").textContent(), { timeout: 20_000 })
      .toBe("The instructor is at: Lesson 5");
    await waitForLab(bo);
    // Each is on a machine of their own, where their page is the one in front; in this one browser, the page in
    // front is the one that draws, and a smooth scroll moves only on a page that draws.
    await bo.bringToFront();
    const headings = presenter.locator(".sl-markdown-content h2[id]");
    const target = (await headings.nth(2).getAttribute("id"))!;
    const title = (await headings.nth(2).textContent())!.trim();
    await headings.nth(2).evaluate((heading) => heading.scrollIntoView({ block: "start" }));
    await expect
      .poll(() => dock.locator(".rl-class__where").textContent(), { timeout: 20_000 })
      .toBe(`The instructor is at: Lesson 5 · ${title}`);
    // Bo's page scrolls to the instructor's section: its heading comes to the top of his window.
    await expect
      .poll(() => bo.evaluate((id) => Math.round(document.getElementById(id)!.getBoundingClientRect().top), target), {
        timeout: 20_000,
      })
      .toBeLessThan(200);
    await presenter.close();
  }, 120_000);

  it("refuses the room and its API to an attendee's session", async () => {
    const ada = page("Ada");
    await ada.goto(`${base()}/workshop/room/`);
    await expect.poll(() => ada.locator("room-page").getAttribute("data-state")).toBe("not-instructor");
    expect(await ada.locator(".room").isHidden()).toBe(true);
    const statuses = await ada.evaluate(async () =>
      Promise.all(
        ["/workshop/instructor/grid", "/workshop/instructor/progress.csv", "/workshop/instructor/session"].map(
          async (path) => (await fetch(path)).status,
        ),
      ),
    );
    expect(statuses).toEqual([401, 401, 401]);
  });

  it("downloads a CSV that says what the grid shows", async () => {
    const csv = await room.evaluate(async () => (await fetch("/workshop/instructor/progress.csv")).text());
    const lines = csv.trim().split(/\r?\n/);
    const header = lines[0]!.split(",");
    for (const name of NAMES) {
      const line = lines.find((l) => l.startsWith(`${name},`));
      expect(line, name).toBeDefined();
      const fields = line!.split(",");
      for (const column of [...lesson3Steps, duplicateSlot]) {
        const at = header.findIndex((label) => label === column.label || label === `"${column.label}"`);
        expect(at, column.label).toBeGreaterThan(1);
        const shown = await mark(name, column).getAttribute("data-mark");
        expect(fields[at], `${name} ${column.label}`).toBe(shown === "not-yet" ? "" : shown);
      }
    }
  });
});

/** The rows xterm shows in a terminal, as text (its DOM renderer's rows). */
function rows(terminal: Locator): Promise<string> {
  return terminal.evaluate((element) =>
    [...element.querySelectorAll(".xterm-rows > div")]
      .map((row) => row.textContent!.replace(/\u00a0/g, " "))
      .join("\n"),
  );
}
