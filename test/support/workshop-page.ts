// An attendee's page in the browser tests of workshop mode: SQL run from it as a cell sends it, and the end of a
// test's workshop (its contexts closed, its hub stopped, every lab and OS user of its tag gone, checked).
import fs from "node:fs/promises";
import type { BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import type { NodeName } from "../../shared/api-types.ts";
import type { RunningHub } from "../../server/workshop/serve.ts";
import { endAndListUsers } from "./workshop-labs.ts";

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
