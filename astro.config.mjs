// @ts-check
import { defineConfig } from "astro/config";
import starlight from "@astrojs/starlight";
import { remarkLessonCells } from "./shared/lessons/lesson-cells.ts";
import { buildProgress } from "./server/build-progress/astro-integration.ts";

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
