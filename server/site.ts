import fs from "node:fs/promises";
import path from "node:path";
import compression from "compression";
import express, { Router, type Request, type Response } from "express";
import { HttpError } from "./errors.ts";

export interface SiteOptions {
  /**
   * The workshop hub serves the same pages with `data-workshop` on their <html> element, so that they read as a
   * workshop's from their first paint (the home page's wording, src/styles/lab.css), before any script runs or
   * the lab answers. Single-user mode serves them as built.
   */
  workshop?: boolean;
}

/** Astro names each built script and style by its content's hash: a file under /_astro/ never changes. */
const HASHED_PREFIX = "/_astro/";
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** Everything else (pages, the search index, the favicon) is asked about again each time, with its ETag. */
export const REVALIDATE = "no-cache";

/**
 * Serves the built site, as built. The pages carry no token: anyone on this machine can fetch them from the
 * loopback port, so a token in them would be a token for every local account. The learner's browser gets it
 * once, in the fragment of the address npm start prints (#lab-token=...), and keeps it (src/lib/lab-client.ts).
 */
export function siteRoutes(siteDir: string, options: SiteOptions = {}): Router {
  const router = Router();
  // Only the site's files are compressed here; the API's answers and its event streams are not routed through
  // this router. Brotli where the browser takes it, at compression's default quality for it (fast enough to do
  // per request); small files are sent as they are.
  router.use(compression({ threshold: 1024 }));

  async function sendPage(res: Response, file: string, status = 200): Promise<boolean> {
    const built = await fs.readFile(file, "utf8").catch(() => null);
    if (built === null) return false;
    const html = options.workshop ? markWorkshop(built) : built;
    // Express answers a conditional request whose ETag still matches with 304 and no body.
    res.status(status).set({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": REVALIDATE }).send(html);
    return true;
  }

  router.get(/.*/, async (req: Request, res: Response, next) => {
    const requested = path.posix.normalize(decodePath(req.path));
    if (requested.includes("\0") || (path.posix.extname(requested) !== "" && !requested.endsWith(".html")))
      return next();
    const relative = requested.endsWith(".html") ? requested : path.posix.join(requested, "index.html");
    const file = path.join(siteDir, relative);
    if (!file.startsWith(siteDir + path.sep)) return next();
    if (await sendPage(res, file)) return;
    next();
  });

  router.use(
    express.static(siteDir, {
      index: false,
      redirect: false,
      setHeaders: (res, file) => {
        const hashed = file.startsWith(path.join(siteDir, HASHED_PREFIX));
        res.setHeader("Cache-Control", hashed ? IMMUTABLE : REVALIDATE);
      },
    }),
  );

  router.use(async (req: Request, res: Response) => {
    if (await sendPage(res, path.join(siteDir, "404.html"), 404)) return;
    const built = await fs.access(siteDir).then(
      () => true,
      () => false,
    );
    res
      .status(404)
      .type("text/plain")
      .send(
        built
          ? `Not found: ${req.path}`
          : `The site is not built yet: run "npm run build" (npm start does it for you).`,
      );
  });

  return router;
}

/** The page's <html> element with `data-workshop` added (the first one: Astro writes it at the very start). */
export function markWorkshop(html: string): string {
  return html.replace(/<html(?=[\s>])/i, "<html data-workshop");
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError("The address is not valid: it has a malformed %-escape.", 400);
  }
}
