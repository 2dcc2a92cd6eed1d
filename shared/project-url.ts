// Where the project lives, as package.json's `repository` says: the site links to it on every page (the header)
// and on the home page, so that a reader of a copy on a static host, with no lab behind it, finds the source and
// how to run the lab.

/** package.json's `repository`: a URL, npm's shorthand (`github:owner/name`, `owner/name`), or `{ url }`. */
export type Repository = string | { url?: string } | undefined;

const HOSTS: Record<string, string> = {
  github: "https://github.com/",
  gitlab: "https://gitlab.com/",
  bitbucket: "https://bitbucket.org/",
};

/** The repository as a browser opens it: `git+https://host/owner/name.git` becomes `https://host/owner/name`. */
export function repositoryPage(repository: Repository): string | undefined {
  const given = (typeof repository === "string" ? repository : repository?.url)?.trim();
  if (!given) return undefined;
  const shorthand = /^(?:(github|gitlab|bitbucket):)?([\w.-]+\/[\w.-]+)$/.exec(given);
  if (shorthand) return `${HOSTS[shorthand[1] ?? "github"]}${shorthand[2]}`;
  const url = new URL(given.replace(/^git\+/, "").replace(/^git:\/\//, "https://"));
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`package.json's repository is ${given}: a web address (https://...) is what the site links to`);
  }
  url.pathname = url.pathname.replace(/\.git$/, "");
  return url.href.replace(/\/$/, "");
}
