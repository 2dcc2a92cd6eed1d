// psql's default prompts, PROMPT1 and PROMPT2, both `%/%R%x%# `: `replication=#` at a new statement,
// `replication-#` on a continued one, `*` inside a transaction block and `!` in a failed one, and `!?> `
// once the connection is gone (no database, status unknown, not known to be a superuser).
import type { PromptState } from "../../../shared/console-protocol.ts";

const TRANSACTION = { idle: "", block: "*", failed: "!" } as const;

export function renderPrompt(state: PromptState): string {
  if (state.database === null) return `${state.continuation ?? "!"}?> `;
  const input = state.continuation ?? "=";
  return `${state.database}${input}${TRANSACTION[state.transaction]}${state.superuser ? "#" : ">"} `;
}
