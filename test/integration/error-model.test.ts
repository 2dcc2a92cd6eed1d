// Lab code refuses with domain errors and only the HTTP layer picks the status: through the real bridge, a
// refusal comes back with the status its kind of error has, the lab's sentence and its code, and leaves the lab
// as it was.
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NODE_NAMES, type NodeName } from "../../shared/api-types.ts";
import { createApp } from "../../server/app.ts";
import { loadConfig } from "../../server/config.ts";
import { createLab, type Lab } from "../../server/lab/index.ts";
import { listen } from "../../server/listen.ts";
import { call, direct, nodeUrl } from "../support/bridge.ts";

const TOKEN = "error-model-token-0123456789";

describe("a refusal of lab code, through the bridge", () => {
  it("a reset while a node is down is 409 with code LAB01 and the sentence, and resets nothing", async () => {
    await direct("master", "CREATE TABLE IF NOT EXISTS kept_by_refused_reset (id int)");
    expect((await call("/api/lab/nodes/slave3/stop", {})).status).toBe(200);
    try {
      const { status, json } = await call("/api/lab/reset", {});
      expect(status).toBe(409);
      const message = "Start every node before a reset: slave3 is not up.";
      expect(json).toEqual({ error: { status: 409, message, code: "LAB01" } });
      const kept = await direct("master", "SELECT to_regclass('kept_by_refused_reset') IS NOT NULL AS kept");
      expect(kept).toEqual([{ kept: true }]);
    } finally {
      expect((await call("/api/lab/nodes/slave3/start", {})).status).toBe(200);
      await direct("master", "DROP TABLE IF EXISTS kept_by_refused_reset");
    }
  });

  it("a load run out of bounds is 400 with code LAB08, and none starts", async () => {
    const { status, json } = await call("/api/load", { requests: 0, concurrency: 50 });
    expect(status).toBe(400);
    const message = "requests: expected a whole number from 1 to 100000.";
    expect(json).toEqual({ error: { status: 400, message, code: "LAB08" } });
    expect((await call("/api/load")).json.phase).not.toBe("running");
  });

  it("a lesson that doesn't exist is 404 with code LAB09", async () => {
    const { status, json } = await call("/api/lab/lesson-start", { lesson: 42 });
    expect(status).toBe(404);
    expect(json).toEqual({ error: { status: 404, message: "There is no lesson 42.", code: "LAB09" } });
  });
});

describe("a bridge over an external lab, whose nodes aren't the lab's to stop", () => {
  let lab: Lab;
  let server: Server;
  let close: () => Promise<void>;
  let url = "";

  beforeAll(async () => {
    const env = Object.fromEntries(NODE_NAMES.map((name) => [`LAB_${name.toUpperCase()}_URL`, nodeUrl(name)]));
    const config = loadConfig({ LAB_MODE: "external", LAB_TOKEN: TOKEN, ...env });
    lab = createLab(config);
    await lab.start();
    let port = 0;
    const app = createApp({ ...config, lab, port: () => port });
    close = app.close;
    const listening = await listen(app.handler, 0, app.upgrade);
    ({ server, port } = listening);
    url = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await close?.();
    await lab?.stop();
  });

  async function post(path: string) {
    const response = await fetch(`${url}${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: "{}",
    });
    return { status: response.status, json: await response.json() };
  }

  it.each(["stop", "start"])("%s is 409 with code LAB07 and says where to do it; the node goes on", async (verb) => {
    const node: NodeName = "slave1";
    const { status, json } = await post(`/api/lab/nodes/${node}/${verb}`);
    expect(status).toBe(409);
    const message =
      `external mode can't stop or start ${node} from here: ` +
      `the nodes run elsewhere; ${verb} ${node} where it runs.`;
    expect(json).toEqual({ error: { status: 409, message, code: "LAB07" } });
    expect(await direct(node, "SELECT 1 AS up")).toEqual([{ up: 1 }]);
  });

  it("a second server, the scratch cluster and a node's log are 409, LAB07: only embedded labs have them", async () => {
    for (const path of ["/api/lab/nodes/slave2/second-postmaster", "/api/lab/scratch/lock-file-parent-pid"]) {
      const { status, json } = await post(path);
      expect({ path, status, code: json.error.code }).toEqual({ path, status: 409, code: "LAB07" });
      expect(json.error.message).toMatch(/^Only the embedded lab can show this/);
    }
    const headers = { Authorization: `Bearer ${TOKEN}` };
    const log = await fetch(`${url}/api/lab/nodes/slave2/log?match=ERROR`, { headers });
    expect(log.status).toBe(409);
    const refusal = (await log.json()).error;
    expect(refusal).toMatchObject({ code: "LAB07", message: expect.stringContaining("embedded nodes' logs") });
  });
});
