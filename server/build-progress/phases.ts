// Reads `astro build`'s output, line by line, into the phases of a site build and how far each has got, for
// npm start to show (server/build-progress/terminal.ts). Astro says when each phase starts and names each page as
// it is written; the lab's own integration (astro-integration.ts) adds the bundles' module counts and the
// number of pages to come.
import { PROGRESS_PREFIX } from "./astro-integration.ts";

export type BuildPhaseName = "prepare" | "server" | "client" | "pages" | "search";

export interface BuildPhase {
  name: BuildPhaseName;
  /** What the phase does, as the line shows it: "server bundle". */
  label: string;
  /** How far: modules taken in, or pages written. */
  count: number;
  /** Pages only: how many the build writes, when known. */
  total?: number;
  /** Milliseconds since the phase began, or its length once it ended. */
  ms: number;
  done: boolean;
  /** Done because the build failed in it. */
  failed?: boolean;
}

const LABELS: Record<BuildPhaseName, string> = {
  prepare: "content and types",
  server: "server bundle",
  client: "browser bundle",
  pages: "pages",
  search: "search index",
};

/** Astro's lines that begin a phase (its own wording, Astro 5). */
const STARTS: [RegExp, BuildPhaseName][] = [
  [/Building static entrypoints/, "server"],
  [/building client \(vite\)/, "client"],
  [/generating static routes/, "pages"],
  [/Building search index/, "search"],
];

/** A page written: `  ├─ /lessons/01-x/index.html (+1.40s)`, or the route's last, with └─. */
const PAGE = /[├└]─ \/\S*/;
const COMPLETE = /\[build\] Complete!/;

/** One phase's line as npm start shows it: "site: pages 9/14 (3.1 s)". */
export function describePhase(phase: BuildPhase): string {
  const seconds = `${(phase.ms / 1000).toFixed(1)} s`;
  let count = "";
  if (phase.name === "server" || phase.name === "client") count = ` ${phase.count} modules`;
  if (phase.name === "pages")
    count =
      phase.total !== undefined && phase.count <= phase.total ? ` ${phase.count}/${phase.total}` : ` ${phase.count}`;
  return `site: ${phase.label}${count}${phase.done ? `, ${seconds}` : `... ${seconds}`}`;
}

/**
 * Follows one build. `feed` takes each line Astro prints; `changed` hears each phase as it starts, moves and
 * ends. A build's output that matches none of this (another Astro's wording) still builds: the phases are only
 * what is shown.
 */
export class BuildPhases {
  private current: BuildPhase | undefined;
  private started = 0;
  private pagesTotal: number | undefined;
  private readonly modules = new Map<string, number>();

  constructor(
    private readonly changed: (phase: BuildPhase) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.begin("prepare");
  }

  feed(line: string): void {
    if (line.startsWith(PROGRESS_PREFIX)) return this.ours(line.slice(PROGRESS_PREFIX.length));
    const start = STARTS.find(([pattern]) => pattern.test(line));
    if (start) return this.begin(start[1]);
    if (this.current?.name === "pages" && PAGE.test(line)) return this.move(this.current.count + 1);
    if (COMPLETE.test(line)) this.end();
  }

  /** Ends the phase under way: the build's process has exited, and had `succeeded` or not. */
  end(succeeded = true): void {
    if (!this.current || this.current.done) return;
    this.current = { ...this.current, ms: this.now() - this.started, done: true };
    if (!succeeded) this.current.failed = true;
    this.changed(this.current);
  }

  /** Says the phase under way again, with its time so far: a line that moves while nothing else happens. */
  tick(): void {
    if (this.current && !this.current.done) this.move(this.current.count);
  }

  private ours(text: string): void {
    const [event = "", raw = ""] = text.split(" ");
    const value = Number(raw);
    if (!Number.isFinite(value)) return;
    if (event === "pages-total") this.pagesTotal = value;
    const bundle = /^(server|client)-modules$/.exec(event)?.[1];
    if (!bundle) return;
    this.modules.set(bundle, value);
    if (this.current?.name === bundle) this.move(value);
  }

  private begin(name: BuildPhaseName): void {
    if (this.current?.name === name) return;
    this.end();
    this.started = this.now();
    const count = this.modules.get(name) ?? 0;
    this.current = { name, label: LABELS[name], count, ms: 0, done: false };
    if (name === "pages" && this.pagesTotal !== undefined) this.current.total = this.pagesTotal;
    this.changed(this.current);
  }

  private move(count: number): void {
    if (!this.current) return;
    this.current = { ...this.current, count, ms: this.now() - this.started };
    this.changed(this.current);
  }
}
