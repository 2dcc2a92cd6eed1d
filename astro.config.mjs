// @ts-check
import { defineConfig } from "astro/config";
import starlight from "@astrojs/starlight";
import { remarkLessonCells } from "./shared/lessons/lesson-cells.ts";

export default defineConfig({
  // The bridge serves the built site from dist/ on 127.0.0.1; the site is fully static.
  site: "http://127.0.0.1:4321",
  markdown: { remarkPlugins: [remarkLessonCells] },
  integrations: [
    starlight({
      title: "Replication Lab",
      description:
        "Learn PostgreSQL logical replication by running it: one publisher, three subscribers, real servers.",
      customCss: ["./src/styles/lab.css"],
      components: {
        Sidebar: "./src/components/overrides/Sidebar.astro",
        MarkdownContent: "./src/components/overrides/MarkdownContent.astro",
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
  ],
});
