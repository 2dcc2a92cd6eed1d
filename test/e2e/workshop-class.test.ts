// Issue 14's attendee side of the room in chromium, on a real hub with a real lab: the instructor's broadcast
// shows as a banner (dismissible); Raise hand is reported to the hub and shown on the attendee's other tab, and
// the instructor lowering it shows there too; the instructor's reset of the lab is shown while it runs and when
// done; the presenter view (?present) reports its section and an attendee who follows is moved with it; the
// attendee's progress comes back in another browser opened with their rejoin link. Screenshots of the dock at
// 1440 and 390 px and of the presenter view go to test-artifacts/.
import fs from "node:fs/promises";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { RunningHub } from "../../server/workshop/serve.ts";
import type { StoredProgressEvent } from "../../shared/progress-events.ts";
import { TEST_PASSPHRASE } from "../support/hub-client.ts";
import { ARTIFACTS, labPage, useBrowser } from "../support/browser.ts";
import { endTestWorkshop, startBrowserWorkshop } from "../support/workshop-page.ts";

const { browser } = useBrowser();

let dir: string;
let hub: RunningHub;
const contexts: BrowserContext[] = [];
let attendee: Page;
let instructor: Page;
let csrf = "";

const base = () => `http://127.0.0.1:${hub.port}`;

async function newContext(width = 1440, height = 900): Promise<BrowserContext> {
  const context = await browser().newContext({ viewport: { width, height } });
  contexts.push(context);
  return context;
}

/** The sidebar's status says master is up (on a phone the sidebar is folded away: there, in the page only). */
async function waitForLab(page: Page): Promise<void> {
  await page
    .locator(".lab-status.compact [data-node='master'][data-state='up']")
    .waitFor({ timeout: 60_000, state: "attached" });
}

/** The viewport as a person sees it (the dock is fixed to it), kept for people to look at. */
async function shot(page: Page, name: string): Promise<void> {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/** A call of the instructor's, from their browser (its session cookie) with the CSRF token, as the room makes it. */
async function act(route: string, body?: unknown, method = "POST"): Promise<number> {
  const response = await instructor.context().request.fetch(`${base()}${route}`, {
    method,
    headers: { Origin: base(), "X-CSRF-Token": csrf, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { data: body }),
  });
  return response.status();
}

function eventsOf(page: Page): Promise<StoredProgressEvent[]> {
  return page.evaluate(async () => ((await (await fetch("/workshop/me/progress")).json()) as any).events);
}

const dock = (page: Page) => page.getByRole("complementary", { name: "Workshop" });

beforeAll(async () => {
  ({ dir, hub } = await startBrowserWorkshop("workshop-class-e2e", 1));
  attendee = await (await newContext()).newPage();
  await attendee.goto(`${base()}/join?code=${hub.joinCode}`);
  await attendee.fill("#name", "Ada");
  await attendee.click("button[type=submit]");
  await waitForLab(attendee);
  instructor = await (await newContext()).newPage();
  const login = await instructor.context().request.post(`${base()}/workshop/instructor/login`, {
    headers: { Origin: base() },
    data: { passphrase: TEST_PASSPHRASE },
  });
  expect(login.status()).toBe(200);
  csrf = ((await login.json()) as { csrf: string }).csrf;
}, 400_000);

afterAll(() => endTestWorkshop(dir, hub, contexts), 120_000);

describe("the attendee's page in a workshop", () => {
  it("shows the instructor's broadcast as a banner, the last one on a page opened later, until dismissed", async () => {
    await attendee.goto(`${base()}/lessons/03-schema/`);
    await expect.poll(() => dock(attendee).isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await act("/workshop/instructor/broadcast", { text: "Break until 10:30, then lesson 5" })).toBe(200);
    const banner = dock(attendee).getByRole("status").filter({ hasText: "From your instructor" });
    await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain("Break until 10:30, then lesson 5");
    await attendee.reload();
    await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain("Break until 10:30");
    await banner.getByRole("button", { name: "Dismiss the instructor's message" }).click();
    expect(await banner.isVisible()).toBe(false);
    await attendee.reload();
    await expect.poll(() => dock(attendee).isVisible(), { timeout: 15_000 }).toBe(true);
    await attendee.waitForTimeout(500);
    expect(await banner.isVisible()).toBe(false);
    expect(await act("/workshop/instructor/broadcast", { text: "We start lesson 5 now" })).toBe(200);
    await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain("We start lesson 5 now");
  }, 60_000);

  it("reports a raised hand, shows it on the attendee's other tab, and the instructor lowers it", async () => {
    const other = await attendee.context().newPage();
    await other.goto(`${base()}/lessons/01-logical-replication/`);
    const hand = (page: Page) => dock(page).locator(".rl-class__hand");
    await expect.poll(() => hand(other).getAttribute("aria-pressed"), { timeout: 15_000 }).toBe("false");
    await hand(attendee).focus();
    await attendee.keyboard.press("Enter");
    expect(await hand(attendee).getAttribute("aria-pressed")).toBe("true");
    expect(await hand(attendee).textContent()).toContain("Hand raised");
    await expect
      .poll(async () => (await eventsOf(attendee)).filter((event) => event.kind === "hand").at(-1), {
        timeout: 10_000,
      })
      .toMatchObject({ kind: "hand", met: true, lesson: "03-schema" });
    await expect.poll(() => hand(other).getAttribute("aria-pressed"), { timeout: 10_000 }).toBe("true");
    const adaId = (await hub.store.attendees())[0]!.id;
    expect(await act(`/workshop/instructor/attendees/${adaId}/hand`, { up: false })).toBe(200);
    for (const page of [attendee, other]) {
      await expect.poll(() => hand(page).getAttribute("aria-pressed"), { timeout: 10_000 }).toBe("false");
    }
    await other.close();
  }, 60_000);

  it("shows the instructor resetting the attendee's lab, then done", async () => {
    const adaId = (await hub.store.attendees())[0]!.id;
    const action = dock(attendee).locator(".rl-class__action");
    expect(await act(`/workshop/instructor/attendees/${adaId}/reset`, {})).toBe(202);
    await expect.poll(() => action.textContent(), { timeout: 10_000 }).toMatch(/resetting your lab|reset your lab/);
    await expect
      .poll(() => action.textContent(), { timeout: 120_000 })
      .toBe("✓ The instructor reset your lab: it is fresh again.");
    await waitForLab(attendee);
  }, 150_000);

  it("Follow moves the attendee's page when the presenter view changes section", async () => {
    await instructor.goto(`${base()}/lessons/05-subscriptions/?present`);
    await expect
      .poll(() => instructor.locator(".rl-presenting").textContent(), { timeout: 15_000 })
      .toContain("Presenting");
    // The presenter view hides the sidebar and the table of contents.
    expect(await instructor.locator("#starlight__sidebar").isVisible()).toBe(false);
    await shot(instructor, "workshop-presenter-1440");
    // On a phone's width the presenter's large type still fits: nothing wider than the page.
    await instructor.setViewportSize({ width: 390, height: 844 });
    expect(await instructor.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The title breaks between words only: each line of it is a whole word or more, no word cut in two.
    const heading = instructor.locator("h1#_top");
    expect(await heading.evaluate((h1) => h1.scrollWidth <= h1.clientWidth)).toBe(true);
    const words = ((await heading.textContent()) ?? "").trim().split(/\s+/);
    const longest = words.reduce((a, b) => (b.length > a.length ? b : a));
    expect(
      await heading.evaluate((h1, word) => {
        const range = document.createRange();
        const text = [...h1.childNodes].find((node) => node.textContent!.includes(word))!;
        const at = text.textContent!.indexOf(word);
        range.setStart(text, at);
        range.setEnd(text, at + word.length);
        return range.getClientRects().length;
      }, longest),
    ).toBe(1);
    await shot(instructor, "workshop-presenter-390");
    await instructor.setViewportSize({ width: 1440, height: 900 });
    const where = dock(attendee).locator(".rl-class__where");
    await expect.poll(() => where.textContent(), { timeout: 10_000 }).toBe("The instructor is at: Lesson 5");
    await dock(attendee).getByRole("button", { name: "Follow" }).click();
    await attendee.waitForURL(`${base()}/lessons/05-subscriptions/`, { timeout: 15_000 });
    await expect.poll(() => dock(attendee).locator(".rl-class__follow").getAttribute("aria-pressed")).toBe("true");
    // The instructor scrolls to a section further down; the attendee's page follows it there.
    const headings = instructor.locator(".sl-markdown-content h2[id]");
    const section = (await headings.nth(2).getAttribute("id"))!;
    const title = (await headings.nth(2).textContent())!.trim();
    await headings.nth(2).evaluate((heading) => heading.scrollIntoView({ block: "start" }));
    await expect.poll(() => where.textContent(), { timeout: 10_000 }).toBe(`The instructor is at: Lesson 5 · ${title}`);
    await expect
      .poll(() => attendee.evaluate((id) => document.getElementById(id)!.getBoundingClientRect().top, section), {
        timeout: 10_000,
      })
      .toBeLessThan(200);
    expect(
      await attendee.evaluate((id) => document.getElementById(id)!.getBoundingClientRect().top, section),
    ).toBeGreaterThanOrEqual(0);
    await dock(attendee).locator(".rl-class__hand").click();
    await shot(attendee, "workshop-attendee-1440");
    await dock(attendee).locator(".rl-class__hand").click();
  }, 60_000);

  it("Follow lands on the section when the instructor moves while the attendee's page is still loading", async () => {
    // The page's load is held back by a tall picture above the lesson, answered only when the test says: the
    // instructor's move reaches the page (its feed opens before load) and the picture then moves the layout.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const picture = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="1500"></svg>';
    await attendee.route("**/slow-picture.svg", async (route) => {
      await released;
      await route.fulfill({ contentType: "image/svg+xml", body: picture });
    });
    await attendee.route(/\/lessons\/05-subscriptions\/$/, async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace(
        /<main\b/,
        '<img src="/slow-picture.svg" alt="" style="display:block"><main',
      );
      await route.fulfill({ response, body: html });
    });
    try {
      await attendee.goto(`${base()}/lessons/05-subscriptions/`, { waitUntil: "domcontentloaded" });
      const where = dock(attendee).locator(".rl-class__where");
      await expect.poll(() => where.textContent(), { timeout: 15_000 }).toMatch(/^The instructor is at: Lesson 5/);
      expect(await dock(attendee).locator(".rl-class__follow").getAttribute("aria-pressed")).toBe("true");
      const headings = instructor.locator(".sl-markdown-content h2[id]");
      const section = (await headings.nth(3).getAttribute("id"))!;
      const title = (await headings.nth(3).textContent())!.trim();
      await headings.nth(3).evaluate((heading) => heading.scrollIntoView({ block: "start" }));
      const moved = `The instructor is at: Lesson 5 · ${title}`;
      await expect.poll(() => where.textContent(), { timeout: 10_000 }).toBe(moved);
      expect(await attendee.evaluate(() => document.readyState)).not.toBe("complete");
      // Whatever the page did with the move while loading, once it has loaded the section is at the top.
      await attendee.waitForTimeout(1000);
      release();
      await attendee.waitForLoadState("load");
      const top = () => attendee.evaluate((id) => document.getElementById(id)!.getBoundingClientRect().top, section);
      await expect.poll(top, { timeout: 5_000 }).toBeLessThan(200);
      expect(await top()).toBeGreaterThanOrEqual(0);
    } finally {
      release();
      await attendee.unrouteAll({ behavior: "wait" });
    }
  }, 60_000);

  it("keeps a following attendee on another page until the instructor moves on", async () => {
    await attendee.goto(`${base()}/lessons/03-schema/`);
    await waitForLab(attendee);
    await expect.poll(() => dock(attendee).locator(".rl-class__where").isVisible(), { timeout: 10_000 }).toBe(true);
    await attendee.waitForTimeout(1000);
    expect(new URL(attendee.url()).pathname).toBe("/lessons/03-schema/");
    await instructor
      .locator(".sl-markdown-content h2[id]")
      .nth(1)
      .evaluate((h) => h.scrollIntoView());
    await attendee.waitForURL(/\/lessons\/05-subscriptions\/#/, { timeout: 15_000 });
    await dock(attendee).getByRole("button", { name: "Follow" }).click();
    expect(await dock(attendee).locator(".rl-class__follow").getAttribute("aria-pressed")).toBe("false");
  }, 60_000);

  it("brings the attendee's progress back in another browser opened with their rejoin link", async () => {
    await attendee.goto(`${base()}/lessons/03-schema/`);
    await waitForLab(attendee);
    const first = attendee.locator("sql-cell[data-key]").first();
    await first.locator(".sql-cell__run").click();
    await expect
      .poll(async () =>
        (await eventsOf(attendee)).some((event) => event.kind === "ran" && event.lesson === "03-schema"),
      )
      .toBe(true);
    expect(new URL(attendee.url()).pathname).toBe("/lessons/03-schema/");
    const me = await attendee.evaluate(async () => (await fetch("/workshop/me")).json());
    const phone = await (await newContext(390, 844)).newPage();
    await phone.goto(me.rejoin);
    await waitForLab(phone);
    await phone.goto(`${base()}/lessons/05-subscriptions/`);
    const mark = phone.locator('nav.sidebar a[href="/lessons/03-schema/"]');
    await expect.poll(() => mark.getAttribute("data-progress"), { timeout: 15_000 }).toBe("in-progress");
    const kept = await phone.evaluate(() => localStorage.getItem("replication-lab:progress:03-schema.mdx"));
    expect(JSON.parse(kept!).ran).toContain(0);
    await expect.poll(() => dock(phone).isVisible(), { timeout: 15_000 }).toBe(true);
    await dock(phone).locator(".rl-class__hand").click();
    await expect.poll(() => dock(phone).locator(".rl-class__where").isVisible()).toBe(true);
    await shot(phone, "workshop-attendee-390");
    await dock(phone).locator(".rl-class__hand").click();

    // Clearing the lesson on this device is not undone by the next page's merge from the hub.
    await phone.goto(`${base()}/lessons/03-schema/`);
    const clear = phone.locator(".run-all__clear");
    await clear.locator(".lab-reset__ask").click();
    await clear.locator(".lab-reset__yes").click();
    const record = () => phone.evaluate(() => localStorage.getItem("replication-lab:progress:03-schema.mdx"));
    expect(await record()).toBeNull();
    await phone.reload();
    // The dock appears once the hub's events are merged (class-client.ts merges first).
    await expect.poll(() => dock(phone).isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await record()).toBeNull();
    expect(await mark.getAttribute("data-progress")).not.toBe("in-progress");
  }, 90_000);
});

describe("the single-user site", () => {
  it("loads none of the workshop dock's code, and ?present is the large view with a way out", async () => {
    const single = await labPage(browser());
    const scripts: Promise<string>[] = [];
    single.on("response", (response) => {
      if (response.url().endsWith(".js")) scripts.push(response.text().catch(() => ""));
    });
    await single.goto(`${inject("bridgeUrl")}/lessons/03-schema/`);
    await waitForLab(single);
    await single.waitForLoadState("networkidle");
    const code = await Promise.all(scripts);
    expect(code.length).toBeGreaterThan(0);
    expect(code.filter((text) => text.includes("The instructor is at"))).toEqual([]);
    expect(await single.locator(".rl-class").count()).toBe(0);
    await single.goto(`${inject("bridgeUrl")}/lessons/03-schema/?present`);
    const bar = single.locator(".rl-presenting");
    await expect.poll(() => bar.textContent(), { timeout: 10_000 }).toBe("Presenter viewExit");
    expect(await single.locator("#starlight__sidebar").isVisible()).toBe(false);
    await bar.getByRole("link", { name: "Exit" }).click();
    await single.waitForURL(`${inject("bridgeUrl")}/lessons/03-schema/`);
    expect(await single.locator("#starlight__sidebar").isVisible()).toBe(true);
    await single.close();
  }, 60_000);
});
