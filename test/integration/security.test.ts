import { describe, expect, inject, it } from "vitest";
import { call, direct, rawRequest } from "../support/bridge.ts";

// Each refused request carries SQL that would leave a trace, so the test can prove nothing ran.
const tableExists = async (name: string) =>
  (await direct("master", "SELECT 1 FROM pg_class WHERE relname = $1", [name])).length > 0;
const probeSql = (name: string) => JSON.stringify({ node: "master", sql: `CREATE TABLE ${name}(id int)` });

describe("the bridge refuses what doesn't come from the lab's own pages", () => {
  it("listens on loopback only", async () => {
    const { listen } = await import("../../server/listen.ts");
    const express = (await import("express")).default;
    const { server } = await listen(express(), 0);
    expect(server.address()).toMatchObject({ address: "127.0.0.1" });
    server.close();
  });

  it("refuses a Host that is not a loopback name (DNS rebinding), before running anything", async () => {
    const port = inject("bridgePort");
    for (const host of [`evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `localhost:${port + 1}`]) {
      const { status, body } = await rawRequest({
        path: "/api/query",
        method: "POST",
        headers: { Host: host, Authorization: `Bearer ${inject("token")}`, "Content-Type": "application/json" },
        body: probeSql("rebind_probe"),
      });
      expect(status).toBe(403);
      expect(JSON.parse(body).error.message).toContain("is not this lab's address");
    }
    // The page itself is refused too: a rebinding page must not be able to read the token from it.
    expect((await rawRequest({ path: "/", headers: { Host: `evil.example:${port}` } })).status).toBe(403);
    expect(await tableExists("rebind_probe")).toBe(false);
  });

  it("accepts every loopback spelling of its own address", async () => {
    const port = inject("bridgePort");
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const { status } = await rawRequest({
        path: "/api/lab",
        headers: { Host: host, Authorization: `Bearer ${inject("token")}` },
      });
      expect(status).toBe(200);
    }
  });

  it("refuses a request from another origin even with the right token", async () => {
    const { status, json } = await call("/api/query", probeSql("origin_probe"), { Origin: "http://evil.example" });
    expect(status).toBe(403);
    expect(json.error.message).toContain("http://evil.example");
    expect((await call("/api/query", probeSql("origin_probe"), { Origin: "http://127.0.0.1:1" })).status).toBe(403);
    expect(await tableExists("origin_probe")).toBe(false);
  });

  it("accepts its own origin", async () => {
    const { status } = await call("/api/lab", undefined, { Origin: inject("bridgeUrl") });
    expect(status).toBe(200);
  });

  it("refuses requests without the token, or with a wrong one", async () => {
    const noToken = await fetch(`${inject("bridgeUrl")}/api/query`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: probeSql("token_probe"),
    });
    expect(noToken.status).toBe(401);
    const wrong = await call("/api/query", probeSql("token_probe"), {
      Authorization: "Bearer not-the-token-at-all-123",
    });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${inject("bridgeUrl")}/api/lab`)).status).toBe(401);
    expect(await tableExists("token_probe")).toBe(false);
  });

  it("takes the token in the query string only for GET (EventSource), never for a POST", async () => {
    const url = `${inject("bridgeUrl")}/api/query?token=${inject("token")}`;
    const post = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: probeSql("query_token_probe"),
    });
    expect(post.status).toBe(401);
    expect((await fetch(`${inject("bridgeUrl")}/api/lab?token=${inject("token")}`)).status).toBe(200);
  });

  it("answers a text/plain POST with 415 and runs nothing", async () => {
    const { status } = await call("/api/query", probeSql("plain_probe"), { "Content-Type": "text/plain" });
    expect(status).toBe(415);
    expect(await tableExists("plain_probe")).toBe(false);
  });

  it("answers a body over the limit with 413", async () => {
    const sql = `SELECT '${"x".repeat(300_000)}'`;
    const { status, json } = await call("/api/query", { node: "master", sql });
    expect(status).toBe(413);
    expect(json.error.message).toContain("larger than");
  });

  it("answers malformed JSON with 400 and a sentence, not a stack trace", async () => {
    const { status, json, text } = await call("/api/query", '{"node": "master", "sql": ');
    expect(status).toBe(400);
    expect(json.error.message).toBe("The request body is not valid JSON.");
    expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it("answers an unknown API path with a JSON 404", async () => {
    const { status, json } = await call("/api/nothing-here");
    expect(status).toBe(404);
    expect(json.error.status).toBe(404);
  });

  it(
    "serves its pages without the token: any local account can fetch them, " + "and gets nothing to call the API with",
    async () => {
      for (const path of ["/", "/lessons/05-subscriptions/", "/console/", "/no-such-page/"]) {
        const page = await fetch(`${inject("bridgeUrl")}${path}`);
        const html = await page.text();
        expect(page.status, path).toBe(path === "/no-such-page/" ? 404 : 200);
        expect(html, path).not.toContain(inject("token"));
        expect(html, path).not.toContain('name="lab-token"');
        expect(page.headers.get("cache-control"), path).toBe("no-cache");
      }
    },
  );
});
