// What Astro does not say while it builds, said for `npm start`'s progress line (server/build-progress/phases.ts):
// how many modules each bundle has taken in so far, and how many pages the build will write. Silent unless
// LAB_BUILD_PROGRESS=1, which only server/build-site.ts sets: `npm run build` prints what it always printed.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AstroIntegration, ViteUserConfig } from "astro";

/** Vite's plugin, as Astro's own types name it (Vite comes with Astro; the project does not list it). */
type Plugin = Extract<NonNullable<ViteUserConfig["plugins"]>[number], { name: string }>;

/** Each line this integration prints starts with this, so that the reader tells them from Astro's own. */
export const PROGRESS_PREFIX = "@lab-build ";

/** A bundle's module count is said at most this often: a count, not a flood. */
const EVERY_MS = 250;

function emit(event: string, value: number | string): void {
  process.stdout.write(`${PROGRESS_PREFIX}${event} ${value}\n`);
}

/** A Vite plugin that counts the modules Rollup parses into one bundle ("server" or "client"). */
function moduleCounter(target: string): Plugin {
  let modules = 0;
  let said = 0;
  return {
    name: "lab:build-progress",
    buildStart() {
      modules = 0;
      emit(`${target}-modules`, 0);
    },
    moduleParsed() {
      modules += 1;
      if (Date.now() - said < EVERY_MS) return;
      said = Date.now();
      emit(`${target}-modules`, modules);
    },
    buildEnd() {
      emit(`${target}-modules`, modules);
    },
  };
}

/** The Markdown and MDX pages under a content folder: Starlight makes one page of each. */
function countDocs(folder: string): number {
  const entries = fs.readdirSync(folder, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && /\.mdx?$/.test(entry.name)).length;
}

export function buildProgress(): AstroIntegration {
  const on = process.env["LAB_BUILD_PROGRESS"] === "1";
  let docs = "";
  return {
    name: "lab:build-progress",
    hooks: on
      ? {
          "astro:config:setup": ({ config }) => {
            docs = path.join(fileURLToPath(config.srcDir), "content", "docs");
          },
          // The pages to write: one per route without parameters, and Starlight's route with them makes one
          // per document of its collection.
          "astro:routes:resolved": ({ routes }) => {
            const pages = routes.filter((route) => route.type === "page" && route.isPrerendered);
            const fixed = pages.filter((route) => route.params.length === 0).length;
            const perDocument = pages.some((route) => route.params.length > 0 && route.origin === "external");
            emit("pages-total", fixed + (perDocument && fs.existsSync(docs) ? countDocs(docs) : 0));
          },
          "astro:build:setup": ({ target, updateConfig }) => {
            updateConfig({ plugins: [moduleCounter(target)] });
          },
        }
      : {},
  };
}
