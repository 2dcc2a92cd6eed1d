// @ts-check
import { defineConfig } from "astro/config";
import starlight from "@astrojs/starlight";
import { remarkLessonCells } from "./shared/lessons/lesson-cells.ts";

// The browser tests' fixture pages (test/fixtures/site/) are added to the test run's build only, which goes to a
// folder of its own (server/build-site.ts): the product's site never has them.
const testFixtures = process.env.LAB_TEST_FIXTURES === "1";
const fixtureIntegrations = testFixtures
  ? [(await import("./test/fixtures/site/integration.ts")).testFixturePages()]
  : [];

export default defineConfig({
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
  ],
});
