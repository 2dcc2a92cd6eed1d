// The workshop hub with real labs: attendees join with a code, get a session cookie, and their /api/* calls and
// console run on their own lab; the web-security refusals; and a hub restart in a new process on the same
// folder, after which a cookie still reaches the same lab and its data.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { PROJECT_ROOT } from "../../server/config.ts";
import type { RunningHub } from "../../server/workshop/serve.ts";
import { launch } from "../support/browser.ts";
import { tempDir } from "../support/temp-dir.ts";
import {
  TEST_PASSPHRASE,
  testHub,
  join,
  labCall,
  openFeed,
  request,
  sql,
  type Attendee,
} from "../support/hub-client.ts";
import { endAndListUsers, localProvider } from "../support/workshop-labs.ts";

let dir: string;
let hub: RunningHub;

async function startHub(workshopDir: string): Promise<RunningHub> {
  return testHub({ workshopDir, provider: await localProvider(workshopDir, { maxLabs: 4, poolSize: 1 }) });
}

let ada: Attendee;
let bo: Attendee;

beforeAll(async () => {
  dir = await tempDir("workshop-hub");
  hub = await startHub(dir);
  ada = await join(hub.port, hub.joinCode, "Ada");
  bo = await join(hub.port, hub.joinCode, "Bo");
});

afterAll(async () => {
  await hub?.close();
  // The workshop's labs and hub go, with every OS user named with its tag.
  expect(await endAndListUsers(dir)).toEqual([]);
  await fs.rm(dir, { recursive: true, force: true });
}, 120_000);

describe("joining", () => {
  it("gives each attendee a lab of their own and a session cookie only the hub can read", async () => {
    expect(ada.lab).not.toBe(bo.lab);
    const answer = await request(hub.port, {
      path: "/workshop/join",
      method: "POST",
      body: { code: hub.joinCode, name: "Cy" },
    });
    const cookie = answer.headers["set-cookie"]?.[0] ?? "";
    expect(cookie).toMatch(/^rlab_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    // No TLS here, so no Secure (the browser would drop the cookie on plain HTTP).
    expect(cookie).not.toContain("Secure");
  });

  it("runs an attendee's SQL on their own lab only: B's data is invisible to A", async () => {
    const made = await sql(hub.port, ada, "CREATE TABLE ada_notes (v text); INSERT INTO ada_notes VALUES ('from Ada')");
    expect(made.status, JSON.stringify(made.json)).toBe(200);
    expect(made.json.error).toBeUndefined();
    expect((await sql(hub.port, bo, "CREATE TABLE bo_notes (v text)")).json.error).toBeUndefined();
    const own = await sql(hub.port, ada, "SELECT v FROM ada_notes");
    expect(own.json.results[0].rows).toEqual([["from Ada"]]);
    const other = await sql(hub.port, ada, "SELECT * FROM bo_notes");
    expect(other.json.error?.code).toBe("42P01");
    const theirs = await sql(hub.port, bo, "SELECT * FROM ada_notes");
    expect(theirs.json.error?.code).toBe("42P01");
  });

  it("returns the same browser to the same lab, and the rejoin link moves the lab to another browser", async () => {
    const again = await request(hub.port, {
      path: "/workshop/join",
      method: "POST",
      body: { code: hub.joinCode, name: "Ada again" },
      headers: { Cookie: ada.cookie },
    });
    expect(again.json.lab).toBe(ada.lab);
    const rejoin = await request(hub.port, { path: new URL(ada.rejoin).pathname });
    expect(rejoin.status).toBe(303);
    const cookie = rejoin.headers["set-cookie"]![0]!.split(";")[0]!;
    const csrf = /#lab-token=(.+)$/.exec(rejoin.headers.location ?? "")![1]!;
    expect(cookie).not.toBe(ada.cookie);
    const there = await sql(hub.port, { ...ada, cookie, csrf }, "SELECT v FROM ada_notes");
    expect(there.json.results[0].rows).toEqual([["from Ada"]]);
    const me = await request(hub.port, { path: "/workshop/me", headers: { Cookie: cookie } });
    expect(me.json.name).toBe("Ada");
  });

  it("opens the console on the attendee's own lab over the hub's WebSocket", async () => {
    const url = `ws://127.0.0.1:${hub.port}/api/console?node=master&token=${ada.csrf}`;
    const origin = `http://127.0.0.1:${hub.port}`;
    const opened = await new Promise<string>((resolve) => {
      const ws = new WebSocket(url, { headers: { Cookie: ada.cookie, Origin: origin } });
      ws.on("open", () => {
        ws.close();
        resolve("open");
      });
      ws.on("unexpected-response", (_req, res) => resolve(`refused ${res.statusCode}`));
    });
    expect(opened).toBe("open");
    const foreign = await new Promise<string>((resolve) => {
      const ws = new WebSocket(url, { headers: { Cookie: ada.cookie, Origin: "http://evil.example" } });
      ws.on("open", () => resolve("open"));
      ws.on("unexpected-response", (_req, res) => resolve(`refused ${res.statusCode}`));
    });
    expect(foreign).toBe("refused 403");
    const withoutToken = await new Promise<string>((resolve) => {
      const ws = new WebSocket(url.replace(/&token=.*$/, ""), { headers: { Cookie: ada.cookie, Origin: origin } });
      ws.on("open", () => resolve("open"));
      ws.on("unexpected-response", (_req, res) => resolve(`refused ${res.statusCode}`));
    });
    expect(withoutToken).toBe("refused 403");
  });
});

describe("what the pages are told", () => {
  it("an attendee's lab status, in GET /api/lab and the lab feed, says whose workshop lab it is", async () => {
    const status = await labCall(hub.port, ada, "/api/lab");
    expect(status.json.workshop).toEqual({ labId: ada.lab, name: "Ada" });
    expect(status.json.mode).toBe("embedded");
    const fromFeed = await new Promise<unknown>((resolve, reject) => {
      openFeed(hub.port, bo, "/api/events", (event, data) => {
        if (event === "lab") resolve((data as { workshop?: unknown }).workshop);
      }).then((close) => setTimeout(close, 5_000), reject);
    });
    expect(fromFeed).toEqual({ labId: bo.lab, name: "Bo" });
  });

  it("the hub's pages carry data-workshop on <html>; the single-user bridge's pages and lab status don't", async () => {
    const page = await request(hub.port, { path: "/lessons/03-schema/", headers: { Cookie: ada.cookie } });
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/^<!DOCTYPE html><html data-workshop lang="en"/i);
    const headers = { Authorization: `Bearer ${inject("token")}` };
    const single = await fetch(`${inject("bridgeUrl")}/lessons/03-schema/`);
    expect(await single.text()).not.toContain("data-workshop");
    const status = await (await fetch(`${inject("bridgeUrl")}/api/lab`, { headers })).json();
    expect(status.mode).toBe("embedded");
    expect(status).not.toHaveProperty("workshop");
  });

  it("the rejoin link's QR code is an SVG the hub draws for the attendee's session only, never cached", async () => {
    const qr = await request(hub.port, { path: "/workshop/me/rejoin.svg", headers: { Cookie: ada.cookie } });
    expect(qr.status).toBe(200);
    expect(qr.headers["content-type"]).toMatch(/^image\/svg\+xml/);
    expect(qr.headers["cache-control"]).toBe("no-store");
    expect(qr.text).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* viewBox="0 0 (\d+) \1"/);
    const bos = await request(hub.port, { path: "/workshop/me/rejoin.svg", headers: { Cookie: bo.cookie } });
    expect(bos.text).not.toBe(qr.text);
    const without = await request(hub.port, { path: "/workshop/me/rejoin.svg" });
    expect(without.status).toBe(401);
    expect(without.json.error.code).toBe("LAB13");
    const me = await request(hub.port, { path: "/workshop/me", headers: { Cookie: ada.cookie } });
    expect(me.headers["cache-control"]).toBe("no-store");
  });
});

describe("in a browser", () => {
  it(
    "joins from the join page into the lessons, with a working lab of its own and " + "its name at /workshop/me",
    async () => {
      const browser = await launch();
      try {
        const page = await browser.newPage();
        await page.goto(`http://127.0.0.1:${hub.port}/join?code=${hub.joinCode}`);
        await page.fill("#name", "Dee");
        await page.click("button[type=submit]");
        await page.locator(".lab-status.compact [data-node='master'][data-state='up']").waitFor({ timeout: 60_000 });
        const me = await page.evaluate(async () => (await fetch("/workshop/me")).json());
        expect(me.name).toBe("Dee");
        // The page's own call, as a cell makes it: the cookie from the join, the CSRF token the fragment gave it.
        const answer = await page.evaluate(async () => {
          const token = localStorage.getItem("replication-lab:token");
          const response = await fetch("/api/query", {
            method: "POST",
            headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
            body: JSON.stringify({ node: "master", sql: "SELECT to_regclass('ada_notes') IS NULL AS fresh" }),
          });
          return { status: response.status, body: await response.json() };
        });
        expect(answer.status).toBe(200);
        // Dee's lab is not Ada's: Ada's table is not there.
        expect(answer.body.results[0].rows).toEqual([["t"]]);
        expect(await page.evaluate(() => document.cookie)).toBe("");
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});

describe("refusals", () => {
  it("A's cookie can't reach B's lab, whatever token it carries", async () => {
    const mixed = await sql(hub.port, { ...ada, csrf: bo.csrf }, "SELECT 1");
    expect(mixed.status).toBe(403);
    const table = await sql(hub.port, ada, "SELECT * FROM bo_notes");
    expect(table.json.error?.code).toBe("42P01");
  });

  it("A's superuser SQL can't read the hub's secrets or data, nor log in to the hub's database", async () => {
    const hubDir = `${dir}/hub`;
    const secrets = await fs.readdir(`${hubDir}/secrets`);
    expect(secrets).toContain("database-password");
    for (const file of secrets) {
      const read = await sql(hub.port, ada, `SELECT pg_read_file('${hubDir}/secrets/${file}')`);
      expect(read.json.error?.code, file).toBe("42501");
    }
    const listed = await sql(hub.port, ada, `SELECT pg_ls_dir('${hubDir}/pgdata')`);
    expect(listed.json.error?.code).toBe("42501");
    // From the lab's own server, as its OS user: psql to the hub's database, without and with a guessed password.
    const port = hub.store.databasePort;
    const hubDb = `"host=127.0.0.1 port=${port} user=hub dbname=postgres" -c "SELECT 1" 2>&1`;
    const program = `PGCONNECT_TIMEOUT=5 psql -w ${hubDb}; PGPASSWORD=postgres psql ${hubDb}; true`;
    const tries = await sql(
      hub.port,
      ada,
      `CREATE TEMP TABLE tried (line text);
       COPY tried FROM PROGRAM '${program}';
       SELECT string_agg(line, ' | ') FROM tried`,
    );
    expect(tries.json.error, JSON.stringify(tries.json.error)).toBeUndefined();
    const said = String(tries.json.results.at(-1).rows[0][0]);
    expect(said).toContain("no password supplied");
    expect(said).toContain('password authentication failed for user "hub"');
    expect(said).not.toMatch(/\(1 row\)/);
  });

  it("refuses a foreign Host, a foreign Origin, a missing Origin, no session and a missing CSRF token", async () => {
    const foreignHost = await sql(hub.port, ada, "SELECT 1", { Host: "evil.example" });
    expect(foreignHost.status).toBe(403);
    expect(foreignHost.json.error.message).toMatch(/not this workshop's address/);
    const pageFromHost = await request(hub.port, { path: "/join", headers: { Host: "evil.example:80" } });
    expect(pageFromHost.status).toBe(403);
    const foreignOrigin = await sql(hub.port, ada, "SELECT 1", { Origin: "http://evil.example" });
    expect(foreignOrigin.status).toBe(403);
    const noOrigin = await sql(hub.port, ada, "SELECT 1", { Origin: undefined });
    expect(noOrigin.status).toBe(403);
    const noSession = await sql(hub.port, ada, "SELECT 1", { Cookie: undefined });
    expect(noSession.status).toBe(401);
    expect(noSession.json.error.code).toBe("LAB13");
    const forged = await sql(hub.port, ada, "SELECT 1", { Cookie: `rlab_session=${"x".repeat(43)}` });
    expect(forged.status).toBe(401);
    const noCsrf = await sql(hub.port, ada, "SELECT 1", { Authorization: undefined });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.json.error.message).toMatch(/CSRF/);
    // The public name with the hub's port is answered; the hub only refuses names it wasn't given.
    const publicName = await sql(hub.port, ada, "SELECT 1", {
      Host: `workshop.test:${hub.port}`,
      Origin: `http://workshop.test:${hub.port}`,
    });
    expect(publicName.status).toBe(200);
  });

  it("refuses an unknown, an expired and a revoked join code", async () => {
    const unknown = await request(hub.port, {
      path: "/workshop/join",
      method: "POST",
      body: { code: "ZZZZZZ", name: "X" },
    });
    expect(unknown.status).toBe(403);
    expect(unknown.json.error.code).toBe("LAB12");
    const login = await request(hub.port, {
      path: "/workshop/instructor/login",
      method: "POST",
      body: { passphrase: TEST_PASSPHRASE },
      headers: { "X-Forwarded-For": "ignored" },
    });
    expect(login.status).toBe(200);
    const instructor = { Cookie: login.headers["set-cookie"]![0]!.split(";")[0]!, "X-CSRF-Token": login.json.csrf };
    const make = () =>
      request(hub.port, {
        path: "/workshop/instructor/codes",
        method: "POST",
        body: { minutes: 30 },
        headers: instructor,
      });
    const expiring = (await make()).json.code as string;
    await hub.store.setJoinCodeExpiry(expiring, new Date(Date.now() - 1000));
    const expired = await request(hub.port, {
      path: "/workshop/join",
      method: "POST",
      body: { code: expiring, name: "X" },
    });
    expect(expired.status).toBe(403);
    expect(expired.json.error.message).toMatch(/expired/);
    const revoking = (await make()).json.code as string;
    const noCsrf = await request(hub.port, {
      path: "/workshop/instructor/codes/revoke",
      method: "POST",
      body: { code: revoking },
      headers: { Cookie: instructor.Cookie },
    });
    expect(noCsrf.status).toBe(403);
    const revoked = await request(hub.port, {
      path: "/workshop/instructor/codes/revoke",
      method: "POST",
      body: { code: revoking },
      headers: instructor,
    });
    expect(revoked.status).toBe(200);
    const late = await request(hub.port, {
      path: "/workshop/join",
      method: "POST",
      body: { code: revoking, name: "X" },
    });
    expect(late.status).toBe(403);
    expect(late.json.error.message).toMatch(/revoked/);
    // An attendee's session is no instructor's.
    const posing = await request(hub.port, {
      path: "/workshop/instructor/codes",
      method: "POST",
      body: { minutes: 30 },
      headers: { Cookie: ada.cookie.replace("rlab_session", "rlab_instructor"), "X-CSRF-Token": ada.csrf },
    });
    expect(posing.status).toBe(401);
  });

  it(
    "rate-limits the instructor's passphrase: after 5 wrong tries in a minute even " + "the right one is refused",
    async () => {
      const attempt = (passphrase: string) =>
        request(hub.port, { path: "/workshop/instructor/login", method: "POST", body: { passphrase } });
      for (let i = 0; i < 5; i++) expect((await attempt(`wrong-${i}`)).status).toBe(403);
      const limited = await attempt(TEST_PASSPHRASE);
      expect(limited.status).toBe(429);
      expect(limited.json.error.code).toBe("LAB14");
    },
  );
});

describe("a hub restart", () => {
  let child: ChildProcess | undefined;
  // Ctrl+C, as an instructor would: the hub stops its labs' servers, which a SIGKILL would leave running.
  afterAll(async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGINT");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 60_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  }, 90_000);

  it("in a new process on the same folder: the cookie still works and reaches the same lab with its data", async () => {
    await hub.close();
    child = spawn(
      process.execPath,
      ["--import", "tsx", "server/workshop/main.ts", "--listen", "127.0.0.1:0", "--labs", "3", "--pool", "0"],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, LAB_WORKSHOP_DIR: dir, LAB_SITE_DIR: inject("siteDir") },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    const port = await new Promise<number>((resolve, reject) => {
      const look = setInterval(() => {
        const found = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
        if (found) {
          clearInterval(look);
          resolve(Number(found[1]));
        }
      }, 100);
      child!.once("exit", (code) => {
        clearInterval(look);
        reject(new Error(`the hub exited (${code}): ${output}`));
      });
    });
    expect(output).toMatch(/Passphrase: \S+/);
    expect(output).toMatch(/Join code: {2}[A-Z0-9]{6}/);
    const rows = await sql(port, ada, "SELECT v FROM ada_notes");
    expect(rows.status, JSON.stringify(rows.json)).toBe(200);
    expect(rows.json.results[0].rows).toEqual([["from Ada"]]);
    expect((await sql(port, bo, "SELECT * FROM ada_notes")).json.error?.code).toBe("42P01");
    const stopped = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGTERM");
    await stopped;
    child = undefined;
  }, 120_000);
});
