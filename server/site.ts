import fs from "node:fs/promises";
import path from "node:path";
import express, { Router, type Request, type Response } from "express";
import { HttpError } from "./errors.ts";

/** The page's meta tag name the browser code reads the token from. */
export const TOKEN_META = "lab-token";

/**
 * Serves the built site. HTML pages get the per-start token in a meta tag, so that the lab's own pages can
 * call the API and nobody else's can; everything else is served as built.
 */
export function siteRoutes(siteDir: string, token: string): Router {
  const router = Router();
  const meta = `<meta name="${TOKEN_META}" content="${token}">`;

  async function sendPage(res: Response, file: string, status = 200): Promise<boolean> {
    const html = await fs.readFile(file, "utf8").catch(() => null);
    if (html === null) return false;
    res
      .status(status)
      .set({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" })
      .send(html.replace("</head>", `${meta}</head>`));
    return true;
  }

  router.get(/.*/, async (req: Request, res: Response, next) => {
    const requested = path.posix.normalize(decodePath(req.path));
    if (requested.includes("\0") || path.posix.extname(requested) !== "" && !requested.endsWith(".html")) return next();
    const relative = requested.endsWith(".html") ? requested : path.posix.join(requested, "index.html");
    const file = path.join(siteDir, relative);
    if (!file.startsWith(siteDir + path.sep)) return next();
    if (await sendPage(res, file)) return;
    next();
  });

  router.use(express.static(siteDir, { index: false, redirect: false }));

  router.use(async (req: Request, res: Response) => {
    if (await sendPage(res, path.join(siteDir, "404.html"), 404)) return;
    const built = await fs.access(siteDir).then(() => true, () => false);
    res
      .status(404)
      .type("text/plain")
      .send(built ? `Not found: ${req.path}` : `The site is not built yet: run "npm run build" (npm start does it for you).`);
  });

  return router;
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError("The address is not valid: it has a malformed %-escape.", 400);
  }
}
