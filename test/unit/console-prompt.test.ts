import { describe, expect, it } from "vitest";
import { renderPrompt } from "../../src/lib/console/prompt.ts";
import type { PromptState } from "../../shared/console-protocol.ts";

const state = (patch: Partial<PromptState>): PromptState => ({
  node: "master",
  database: "replication",
  superuser: true,
  transaction: "idle",
  continuation: null,
  ...patch,
});

describe("psql's default prompts, %/%R%x%# ", () => {
  it("shows the database and # for a superuser at a new statement", () => {
    expect(renderPrompt(state({}))).toBe("replication=# ");
    expect(renderPrompt(state({ superuser: false }))).toBe("replication=> ");
  });

  it("marks a transaction block with * and a failed one with !", () => {
    expect(renderPrompt(state({ transaction: "block" }))).toBe("replication=*# ");
    expect(renderPrompt(state({ transaction: "failed" }))).toBe("replication=!# ");
  });

  it("continues a statement with -, or with what it leaves open", () => {
    expect(renderPrompt(state({ continuation: "-" }))).toBe("replication-# ");
    expect(renderPrompt(state({ continuation: "'", transaction: "block" }))).toBe("replication'*# ");
    expect(renderPrompt(state({ continuation: "(" }))).toBe("replication(# ");
    expect(renderPrompt(state({ continuation: "$" }))).toBe("replication$# ");
  });

  it("shows !?> once the connection is gone", () => {
    expect(renderPrompt(state({ database: null }))).toBe("!?> ");
    expect(renderPrompt(state({ database: null, continuation: "-" }))).toBe("-?> ");
  });
});
