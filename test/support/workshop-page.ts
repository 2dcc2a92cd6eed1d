// An attendee's page in the browser tests of workshop mode: SQL run from it as a cell sends it, and the end of a
// test's workshop (its contexts closed, its hub stopped, every lab and OS user of its tag gone, checked).
import fs from "node:fs/promises";
import type { BrowserContext, Page } from "playwright-core";
import { expect, vi } from "vitest";
import type { NodeName } from "../../shared/api-types.ts";
import type { RunningHub } from "../../server/workshop/serve.ts";
import { testHub } from "./hub-client.ts";
import { tempDir } from "./temp-dir.ts";
import { endAndListUsers, localProvider } from "./workshop-labs.ts";

/**
 * A test's workshop for the browser: a hub in a folder of its own (named with `tag`), at most `maxLabs` labs, and a
 * warm pool of one lab, ready when this returns. The rejoin link names the hub's first public host: here the
 * loopback address the browser can open. A start that fails ends what it started.
 */
export async function startBrowserWorkshop(tag: string, maxLabs: number): Promise<{ dir: string; hub: RunningHub }> {
  const dir = await tempDir(tag);
  let hub: RunningHub | undefined;
  try {
    const provider = await localProvider(dir, { maxLabs, poolSize: 1 });
    hub = await testHub({ workshopDir: dir, provider, publicHosts: ["127.0.0.1"] });
    await vi.waitFor(() => expect(provider.status().ready).toBe(1), { timeout: 300_000, interval: 200 });
    return { dir, hub };
  } catch (error) {
    await endTestWorkshop(dir, hub).catch(() => {});
    throw error;
  }
}

/** SQL on the page's lab, as a cell sends it: the CSRF token the page keeps, as its Bearer token. */
export function sqlFrom(page: Page, text: string, node: NodeName = "master"): Promise<any> {
  return page.evaluate(
    async ([sql, on]) => {
      const response = await fetch("/api/query", {
        method: "POST",
        headers: {
          Authorization: `Bearer ${localStorage.getItem("replication-lab:token")}`,
          "Content-Type": "application/json",
        },
        body: JSON.stringify({ node: on, sql }),
      });
      return response.json();
    },
    [text, node] as const,
  );
}

/** Ends a test's workshop: its browser contexts, its hub, then its labs and OS users, which must all be gone. */
export async function endTestWorkshop(
  dir: string | undefined,
  hub: RunningHub | undefined,
  contexts: (BrowserContext | undefined)[] = [],
): Promise<void> {
  for (const context of contexts) await context?.close().catch(() => {});
  await hub?.close();
  if (!dir) return;
  // The workshop's labs and hub go, with every OS user named with its tag.
  expect(await endAndListUsers(dir)).toEqual([]);
  await fs.rm(dir, { recursive: true, force: true });
}
