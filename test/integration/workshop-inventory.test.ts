// Workshop mode's `inventory` driver against two real labs started here, as deploy/kubernetes/ would run them
// elsewhere: the provider reads an inventory file of their connection strings and hands out each lab in turn.
import fs from "node:fs/promises";
import path from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { NODE_NAMES } from "../../shared/api-types.ts";
import { loadConfig } from "../../server/config.ts";
import { NotFound, WorkshopFull } from "../../server/errors.ts";
import { EmbeddedLab } from "../../server/lab/embedded/index.ts";
import { onNode, type Endpoint } from "../../server/lab/lab.ts";
import { InventoryProvider } from "../../server/workshop/provision/inventory.ts";
import { PROJECT_ROOT } from "../../server/config.ts";
import { freeBase, tempDir } from "../support/temp-dir.ts";
import { join, request } from "../support/hub-client.ts";
import { endAndListUsers } from "../support/workshop-labs.ts";

const labs: EmbeddedLab[] = [];
const dirs: string[] = [];
let inventory = "";

function url({ host, port, user, password, database }: Endpoint): string {
  return `postgres://${user}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
}

beforeAll(async () => {
  // One after the other: two labs' eight initdb runs at once would crowd the machine's two cores.
  for (let i = 0; i < 2; i++) {
    const dir = await tempDir(`lab-inventory-${i}`);
    dirs.push(dir);
    const lab = new EmbeddedLab(loadConfig({ LAB_DATA_DIR: dir, LAB_PG_PORT: String(await freeBase()) }));
    labs.push(lab);
    await lab.start();
  }
  const lines = ["# Two labs started by the test, in the order the hub hands them out.", "labs:"];
  labs.forEach((lab, i) => {
    lines.push(`  - id: lab-${i + 1}`);
    for (const name of NODE_NAMES) lines.push(`    ${name}: ${url(lab.endpoint(name))}`);
  });
  inventory = path.join(dirs[0]!, "inventory.yaml");
  await fs.writeFile(inventory, lines.join("\n") + "\n");
}, 240_000);

afterAll(async () => {
  for (const lab of labs) await lab.stop();
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
});

describe("the inventory provider", () => {
  it("hands out the file's labs in order, each lab's nodes answering SQL, and refuses a third", async () => {
    const provider = await InventoryProvider.fromFile(inventory);
    try {
      await provider.start([]);
      expect(provider.status()).toMatchObject({ ready: 2, assigned: 0, capacityLeft: 2 });
      const first = await provider.acquire();
      const second = await provider.acquire();
      expect([first.id, second.id]).toEqual(["lab-1", "lab-2"]);
      for (const [i, provided] of [first, second].entries()) {
        expect(provided.lab.status().nodes.map((node) => node.state)).toEqual(["up", "up", "up", "up"]);
        for (const name of NODE_NAMES) {
          // Each node of the provided lab is that lab's own server: its data folder is under the lab's folder.
          const { data_directory } = await onNode(provided.lab.endpoint(name), "replication", async (client) => {
            const { rows } = await client.query<{ data_directory: string }>(
              "SELECT current_setting('data_directory') AS data_directory",
            );
            return rows[0]!;
          });
          expect(await fs.realpath(data_directory)).toContain(await fs.realpath(dirs[i]!));
          expect(provided.lab.endpoint(name).port).toBe(labs[i]!.endpoint(name).port);
        }
      }
      await expect(provider.acquire()).rejects.toBeInstanceOf(WorkshopFull);
      await expect(provider.acquire()).rejects.toThrow("Every lab of the inventory (2) is taken");
      expect(provider.status()).toMatchObject({ ready: 0, assigned: 2, capacityLeft: 0 });
      expect((await provider.get("lab-2")).lab).toBe(second.lab);
    } finally {
      await provider.stop();
    }
  });

  it(
    "after a hub restart gives back the labs its database says are assigned; parking " + "stops nothing, and says so",
    async () => {
      const provider = await InventoryProvider.fromFile(inventory);
      try {
        await provider.start(["lab-1"]);
        await expect(provider.get("lab-2")).rejects.toBeInstanceOf(NotFound);
        await expect(provider.get("lab-9")).rejects.toThrow("The inventory lists no lab lab-9.");
        // Two requests at once for a lab the hub has not connected to yet share one connection to it.
        const [again, same] = await Promise.all([provider.get("lab-1"), provider.get("lab-1")]);
        expect(same.lab).toBe(again.lab);
        expect(again.lab.status().nodes.every((node) => node.state === "up")).toBe(true);
        await provider.park("lab-1");
        expect(provider.status().note).toMatch(/can't stop an idle one/);
        const rows = await onNode(
          again.lab.endpoint("master"),
          "replication",
          async (c) => (await c.query("SELECT 1 AS one")).rows,
        );
        expect(rows).toEqual([{ one: 1 }]);
        expect((await provider.acquire()).id).toBe("lab-2");
      } finally {
        await provider.stop();
      }
    },
  );

  it("reports a lab's disk use as pg_database_size of its nodes' databases, which grows with rows", async () => {
    const provider = await InventoryProvider.fromFile(inventory);
    try {
      await provider.start(["lab-1"]);
      const before = await provider.diskBytes("lab-1");
      // Four nodes, each with template1, postgres and replication of several MB.
      expect(before).toBeGreaterThan(4 * 3 * 5_000_000);
      await onNode(labs[0]!.endpoint("slave2"), "replication", (client) =>
        client.query("CREATE TABLE disk_probe AS SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 100000) g"),
      );
      expect(await provider.diskBytes("lab-1")).toBeGreaterThan(before! + 10_000_000);
      await expect(provider.diskBytes("lab-2")).rejects.toBeInstanceOf(NotFound);
    } finally {
      await onNode(labs[0]!.endpoint("slave2"), "replication", (client) => client.query("DROP TABLE disk_probe"));
      await provider.stop();
    }
  });
});

describe("npm run workshop -- --driver inventory", () => {
  it(
    "serves each joiner a lab of the inventory, whose SQL runs on that lab's " + "servers, and refuses one too many",
    async () => {
      const workshopDir = await tempDir("workshop-inventory-hub");
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "server/workshop/main.ts", "--listen", "127.0.0.1:0", "--inventory", inventory],
        {
          cwd: PROJECT_ROOT,
          env: { ...process.env, LAB_WORKSHOP_DIR: workshopDir, LAB_SITE_DIR: inject("siteDir") },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      const exited = new Promise((resolve) => child.once("exit", resolve));
      try {
        const started = await new Promise<{ port: number; code: string }>((resolve, reject) => {
          const look = setInterval(() => {
            const port = /listening on 127\.0\.0\.1:(\d+)/.exec(output)?.[1];
            const code = /Join code:\s+(\S+)/.exec(output)?.[1];
            if (port && code) {
              clearInterval(look);
              resolve({ port: Number(port), code });
            }
          }, 100);
          child.once("exit", (status) => {
            clearInterval(look);
            reject(new Error(`the hub exited (${status}): ${output}`));
          });
        });
        const ada = await join(started.port, started.code, "Ada");
        const bo = await join(started.port, started.code, "Bo");
        expect([ada.lab, bo.lab]).toEqual(["lab-1", "lab-2"]);
        for (const [i, who] of [ada, bo].entries()) {
          const answer = await request(started.port, {
            path: "/api/query",
            method: "POST",
            body: { node: "slave2", sql: "SELECT current_setting('data_directory') AS dir" },
            headers: { Cookie: who.cookie, Authorization: `Bearer ${who.csrf}` },
          });
          expect(answer.status, JSON.stringify(answer.json)).toBe(200);
          const dir = answer.json.results[0].rows[0][0] as string;
          expect(await fs.realpath(dir)).toBe(await fs.realpath(path.join(dirs[i]!, "slave2")));
        }
        const third = await request(started.port, {
          path: "/workshop/join",
          method: "POST",
          body: { code: started.code, name: "Cy" },
        });
        expect(third.status).toBe(503);
        expect(third.json.error.code).toBe("LAB11");
      } finally {
        child.kill("SIGINT");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
        // The hub's database and its OS user go, as npm run workshop -- --end removes them.
        expect(await endAndListUsers(workshopDir)).toEqual([]);
        await fs.rm(workshopDir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
