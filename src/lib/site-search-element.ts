// <site-search>: Starlight's search button and dialog (@astrojs/starlight/components/Search.astro, 0.37), but
// pagefind's search UI (26 KB gzip) loads when the search is first wanted: the button hovered, focused or pressed,
// or Ctrl+K. Starlight's loads it as soon as the browser is idle, on every page, searched or not.
import { pagefindUserConfig } from "virtual:starlight/pagefind-config";

/** One search result as pagefind hands it to `processResult`, with the URLs Starlight rewrites. */
interface PagefindResult {
  url: string;
  sub_results: Array<{ url: string }>;
}

/** A result's URL without its trailing slash ("/a/b/#c" → "/a/b#c"), for sites whose trailingSlash is "never". */
function stripTrailingSlash(path: string): string {
  return path.replace(/(.)\/(#.*)?$/, "$1$2");
}

class SiteSearch extends HTMLElement {
  private loading: Promise<void> | undefined;

  constructor() {
    super();
    const openBtn = this.querySelector<HTMLButtonElement>("button[data-open-modal]")!;
    const closeBtn = this.querySelector<HTMLButtonElement>("button[data-close-modal]")!;
    const dialog = this.querySelector("dialog")!;
    const dialogFrame = this.querySelector(".dialog-frame")!;

    /** Close the modal if a user clicks on a link or outside of the modal. */
    const onClick = (event: MouseEvent) => {
      const isLink = "href" in (event.target || {});
      if (isLink || (document.body.contains(event.target as Node) && !dialogFrame.contains(event.target as Node))) {
        closeModal();
      }
    };

    const openModal = (event?: MouseEvent) => {
      dialog.showModal();
      document.body.toggleAttribute("data-search-modal-open", true);
      event?.stopPropagation();
      window.addEventListener("click", onClick);
      // Pagefind makes the search box: the first time, it is there once the UI has loaded.
      void this.loadSearch().then(() => {
        if (dialog.open) this.querySelector("input")?.focus();
      });
    };

    const closeModal = () => dialog.close();

    openBtn.addEventListener("click", openModal);
    // A pointer over the button or the focus on it says a search may come: the UI loads before the press.
    openBtn.addEventListener("pointerenter", () => void this.loadSearch(), { once: true });
    openBtn.addEventListener("focus", () => void this.loadSearch(), { once: true });
    openBtn.disabled = false;
    closeBtn.addEventListener("click", closeModal);

    dialog.addEventListener("close", () => {
      document.body.toggleAttribute("data-search-modal-open", false);
      window.removeEventListener("click", onClick);
    });

    // Listen for `ctrl + k` and `cmd + k` keyboard shortcuts.
    window.addEventListener("keydown", (e) => {
      if ((e.metaKey === true || e.ctrlKey === true) && e.key === "k") {
        dialog.open ? closeModal() : openModal();
        e.preventDefault();
      }
    });
  }

  /** Loads pagefind's UI into the dialog, once: later calls get the same promise. */
  private loadSearch(): Promise<void> {
    this.loading ??= this.makeSearchUI();
    return this.loading;
  }

  private async makeSearchUI(): Promise<void> {
    if (import.meta.env.DEV) return;
    // @ts-expect-error — Missing types for @pagefind/default-ui package.
    const { PagefindUI } = await import("@pagefind/default-ui");
    const formatURL = this.dataset["stripTrailingSlash"] !== undefined ? stripTrailingSlash : (path: string) => path;
    new PagefindUI({
      ...pagefindUserConfig,
      element: "#starlight__search",
      baseUrl: import.meta.env.BASE_URL,
      bundlePath: import.meta.env.BASE_URL.replace(/\/$/, "") + "/pagefind/",
      showImages: false,
      translations: this.translations(),
      showSubResults: true,
      processResult: (result: PagefindResult) => {
        result.url = formatURL(result.url);
        result.sub_results = result.sub_results.map((subResult) => {
          subResult.url = formatURL(subResult.url);
          return subResult;
        });
      },
    });
  }

  /** Pagefind's labels in the site's language, from data-translations; pagefind's own English when unreadable. */
  private translations(): object {
    try {
      return JSON.parse(this.dataset["translations"] || "{}") as object;
    } catch {
      return {};
    }
  }
}

customElements.define("site-search", SiteSearch);
