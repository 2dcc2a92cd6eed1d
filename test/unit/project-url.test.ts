import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../server/config.ts";
import { repositoryPage } from "../../shared/project-url.ts";

describe("the project's page, from package.json's repository", () => {
  it("takes npm's forms of the field to the address a browser opens", () => {
    const page = "https://github.com/owner/name";
    expect(repositoryPage({ type: "git", url: "git+https://github.com/owner/name.git" } as never)).toBe(page);
    expect(repositoryPage("https://github.com/owner/name")).toBe(page);
    expect(repositoryPage("git://github.com/owner/name.git")).toBe(page);
    expect(repositoryPage("github:owner/name")).toBe(page);
    expect(repositoryPage("owner/name")).toBe(page);
    expect(repositoryPage("gitlab:owner/name")).toBe("https://gitlab.com/owner/name");
    expect(repositoryPage(undefined)).toBeUndefined();
  });

  it("refuses an address a browser can't open, saying what it wants", () => {
    expect(() => repositoryPage("ssh://git@example.org/owner/name.git")).toThrow(/a web address/);
  });

  it("is set in this project's package.json", () => {
    const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
    expect(repositoryPage(manifest.repository)).toMatch(/^https:\/\//);
  });
});
