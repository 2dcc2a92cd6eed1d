// How the bridge delivers the built site (issue 15): compressed for a browser that takes it, hashed assets cached
// for a year, pages and everything else asked about again with their ETag; the API's event streams untouched.
import http from "node:http";
import zlib from "node:zlib";
import { describe, expect, inject, it } from "vitest";
import { IMMUTABLE, REVALIDATE } from "../../server/site.ts";

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as sent, still compressed when it was. */
  raw: Buffer;
}

/** A GET as a browser sends it (Node's fetch would decompress the body and hide the encoding). */
function get(path: string, headers: Record<string, string> = {}): Promise<Got> {
  const port = inject("bridgePort");
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: "127.0.0.1", port, path, headers: { Host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(chunks) }));
      },
    );
    req.on("error", reject);
  });
}

/** The first script the lesson page loads from /_astro/. */
async function aHashedScript(): Promise<string> {
  const page = await get("/lessons/05-subscriptions/");
  const found = /\/_astro\/[^"'\s]+\.js/.exec(page.raw.toString("utf8"));
  expect(found, "the lesson page loads a script from /_astro/").not.toBeNull();
  return found![0];
}

describe("the site as the bridge delivers it", () => {
  it("compresses pages and scripts for a browser that takes brotli or gzip, not for one that doesn't", async () => {
    const plain = await get("/lessons/05-subscriptions/");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const html = plain.raw.toString("utf8");
    expect(html).toContain("<html");

    const br = await get("/lessons/05-subscriptions/", { "Accept-Encoding": "gzip, deflate, br" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(zlib.brotliDecompressSync(br.raw).toString("utf8")).toBe(html);
    expect(br.raw.length).toBeLessThan(html.length / 2);

    const script = await aHashedScript();
    const gzip = await get(script, { "Accept-Encoding": "gzip" });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    const uncompressed = await get(script);
    expect(zlib.gunzipSync(gzip.raw).equals(uncompressed.raw)).toBe(true);
  });

  it("lets the browser keep hashed assets for a year, and asks again for pages and other files", async () => {
    const script = await get(await aHashedScript());
    expect(script.headers["cache-control"]).toBe(IMMUTABLE);
    for (const path of ["/", "/lessons/05-subscriptions/", "/favicon.svg", "/pagefind/pagefind.js"]) {
      const answer = await get(path);
      expect(answer.status, path).toBe(200);
      expect(answer.headers["cache-control"], path).toBe(REVALIDATE);
      expect(answer.headers.etag, path).toBeTruthy();
    }
  });

  it("answers a page asked again with its ETag with 304 and no body, and with a stale ETag with the page", async () => {
    const first = await get("/lessons/03-schema/", { "Accept-Encoding": "gzip" });
    const etag = first.headers.etag!;
    const again = await get("/lessons/03-schema/", { "Accept-Encoding": "gzip", "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(again.raw.length).toBe(0);
    const stale = await get("/lessons/03-schema/", { "Accept-Encoding": "gzip", "If-None-Match": 'W/"stale"' });
    expect(stale.status).toBe(200);
    expect(zlib.gunzipSync(stale.raw).toString("utf8")).toContain("<html");
  });

  it("leaves the node-state event stream uncompressed, so each event reaches the page as it happens", async () => {
    const port = inject("bridgePort");
    const headers = await new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
      const req = http.get(
        {
          host: "127.0.0.1",
          port,
          path: `/api/events?token=${encodeURIComponent(inject("token"))}`,
          headers: { Host: `127.0.0.1:${port}`, "Accept-Encoding": "gzip, br" },
        },
        (res) => {
          resolve(res.headers);
          req.destroy();
        },
      );
      req.on("error", reject);
    });
    expect(headers["content-type"]).toBe("text/event-stream");
    expect(headers["content-encoding"]).toBeUndefined();
  });
});
