// npm start's progress while it builds the site: Astro's own lines (as Astro 5 prints them to a pipe) and the
// lab's integration's counts, read into phases; and how they are drawn on a terminal and written to a log.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { BuildPhases, describePhase, type BuildPhase } from "../../server/build-progress/phases.ts";
import { startOutput } from "../../server/build-progress/terminal.ts";

/** An `astro build`'s output, cut down: what it prints between the phases is left out. */
const ASTRO_OUTPUT = [
  "@lab-build pages-total 3",
  "00:10:13 [content] Syncing content",
  "00:10:13 [types] Generated 1.66s",
  "00:10:13 [build] Building static entrypoints...",
  "@lab-build server-modules 0",
  "@lab-build server-modules 240",
  "@lab-build server-modules 481",
  "00:10:30 [vite] ✓ built in 17.20s",
  " building client (vite) ",
  "@lab-build client-modules 190",
  "00:10:42 [vite] ✓ built in 11.80s",
  " generating static routes ",
  "00:10:42 ▶ @astrojs/starlight/routes/static/404.astro",
  "00:10:42   └─ /404.html (+48ms) ",
  "00:10:42 ▶ @astrojs/starlight/routes/static/index.astro",
  "00:10:43   ├─ /index.html (+21ms) ",
  "00:10:44   └─ /lessons/01-logical-replication/index.html (+1.40s) ",
  "00:10:44 ✓ Completed in 3.0s.",
  "00:10:44 [starlight:pagefind] Building search index with Pagefind...",
  "00:10:45 [build] 3 page(s) built in 30.1s",
  "00:10:45 [build] Complete!",
];

function follow(lines: string[]) {
  let clock = 0;
  const heard: BuildPhase[] = [];
  const phases = new BuildPhases(
    (phase) => heard.push(phase),
    () => clock,
  );
  for (const line of lines) {
    clock += 100;
    phases.feed(line);
  }
  return { heard, phases };
}

describe("the phases of a site build", () => {
  it("reads each phase, its module or page count and its length from Astro's output", () => {
    const { heard } = follow(ASTRO_OUTPUT);
    const ended = heard.filter((phase) => phase.done).map(describePhase);
    expect(ended).toEqual([
      "site: content and types, 0.4 s",
      "site: server bundle 481 modules, 0.5 s",
      "site: browser bundle 190 modules, 0.3 s",
      "site: pages 3/3, 0.7 s",
      "site: search index, 0.2 s",
    ]);
    // The pages count up one by one, out of the total the lab's integration said before the build began.
    const pages = heard.filter((phase) => phase.name === "pages" && !phase.done).map(describePhase);
    expect(pages).toEqual([
      "site: pages 0/3... 0.0 s",
      "site: pages 1/3... 0.2 s",
      "site: pages 2/3... 0.4 s",
      "site: pages 3/3... 0.5 s",
    ]);
  });

  it("ends the phase a failed build stopped in as failed, and leaves the others done", () => {
    const { heard, phases } = follow(ASTRO_OUTPUT.slice(0, 6));
    phases.end(false);
    const last = heard[heard.length - 1]!;
    expect([last.name, last.done, last.failed]).toEqual(["server", true, true]);
    expect(heard.filter((phase) => phase.failed)).toHaveLength(1);
  });

  it("shows the pages written without a total when none was said", () => {
    const { heard } = follow(ASTRO_OUTPUT.slice(1));
    expect(describePhase(heard.find((phase) => phase.name === "pages" && phase.done)!)).toBe("site: pages 3, 0.7 s");
  });
});

function stream(tty: boolean) {
  let written = "";
  const out = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        written += chunk;
        done();
      },
    }),
    { isTTY: tty, columns: 40 },
  );
  return { out, written: () => written };
}

describe("npm start's output", () => {
  it("writes only the lines that stay to a log or a pipe", () => {
    const { out, written } = stream(false);
    const output = startOutput(out);
    output.live("site", "  site: pages 1/14... 0.3 s");
    output.line("  master  up");
    output.live("site", undefined);
    output.line("  site: pages 14/14, 3.0 s");
    expect(written()).toBe("  master  up\n  site: pages 14/14, 3.0 s\n");
  });

  it("redraws the updating lines below the lines that stay on a terminal, cut to its width", () => {
    const { out, written } = stream(true);
    const output = startOutput(out);
    output.live("site", "  site: pages 1/14... 0.3 s");
    output.live("slave1", `  slave1  starting on port 54322...${" ".repeat(40)}`);
    output.line("  master  up");
    // Each redraw goes back to the first updating line (ESC [n F) and clears below it (ESC [J).
    expect(written()).toBe(
      "  site: pages 1/14... 0.3 s\n" +
        "\x1b[1F\x1b[J  site: pages 1/14... 0.3 s\n  slave1  starting on port 54322...    \n" +
        "\x1b[2F\x1b[J  master  up\n  site: pages 1/14... 0.3 s\n  slave1  starting on port 54322...    \n",
    );
  });
});
