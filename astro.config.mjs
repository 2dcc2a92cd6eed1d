// @ts-check
import { defineConfig } from "astro/config";
import starlight from "@astrojs/starlight";
import fs from "node:fs";
import { remarkLessonCells } from "./shared/lessons/lesson-cells.ts";
import { buildProgress } from "./server/build-progress/astro-integration.ts";
import { repositoryPage } from "./shared/project-url.ts";

// Where the project lives (package.json's repository): a link in every page's header, so a copy of the site on a
// static host, with no lab behind it, still says where its source and the way to run the lab are.
const manifest = JSON.parse(fs.readFileSync(new URL("./package.json", import.meta.url), "utf8"));
const projectPage = repositoryPage(manifest.repository);

// The browser tests' fixture pages (test/fixtures/site/) are added to the test run's build only, which goes to a
// folder of its own (server/build-site.ts): the product's site never has them.
const testFixtures = process.env.LAB_TEST_FIXTURES === "1";
const fixtureIntegrations = testFixtures
  ? [(await import("./test/fixtures/site/integration.ts")).testFixturePages()]
  : [];

/**
 * The server bundle Astro builds only to render the pages at build time is never sent to a browser: tree-shaking
 * it made it no smaller for anyone, and cost about a tenth of a first `npm start`'s build (Rollup's analysis of every
 * module). The client bundle, which browsers load, is tree-shaken as before.
 * @type {import("vite").Plugin}
 */
const serverBundleWithoutTreeShaking = {
  name: "lab:server-bundle-without-tree-shaking",
  config: (_config, env) => (env.isSsrBuild ? { build: { rollupOptions: { treeshake: false } } } : undefined),
};

export default defineConfig({
  vite: { plugins: [serverBundleWithoutTreeShaking] },
  // The bridge serves the built site from dist/ on 127.0.0.1; the site is fully static.
  site: "http://127.0.0.1:4321",
  markdown: { remarkPlugins: [remarkLessonCells] },
  // Each build keeps its own cache, so that the product's and the tests' builds don't invalidate each other's.
  ...(testFixtures ? { cacheDir: "./node_modules/.astro-test-fixtures" } : {}),
  integrations: [
    starlight({
      title: "Replication Lab",
      description:
        "Learn PostgreSQL logical replication by running it: one publisher, three subscribers, real servers.",
      customCss: ["./src/styles/lab.css"],
      social: projectPage ? [{ icon: "github", label: "Replication Lab's source and issues", href: projectPage }] : [],
      components: {
        Sidebar: "./src/components/overrides/Sidebar.astro",
        MarkdownContent: "./src/components/overrides/MarkdownContent.astro",
        // Loads the search UI when search is first wanted, not on every page as soon as it is idle.
        Search: "./src/components/overrides/Search.astro",
      },
      sidebar: [
        { label: "Welcome", link: "/" },
        { label: "Lessons", autogenerate: { directory: "lessons" } },
        {
          label: "The lab",
          items: [
            { label: "Start and run the lab", slug: "lab" },
            { label: "psql console", slug: "console" },
          ],
        },
      ],
    }),
    ...fixtureIntegrations,
    buildProgress(),
  ],
});
