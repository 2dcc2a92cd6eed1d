// What the page may send over the console's WebSocket, as a zod schema that is both the bridge's check and the
// ClientMessage type (shared/console-protocol.ts takes the type only, so the console page never bundles zod).
import { z } from "zod";

export const clientMessageSchema = z.discriminatedUnion("type", [
  /**
   * One line the learner entered, without its newline, and the terminal's width in columns when it was sent:
   * under \x auto, a result wider than that is printed expanded.
   */
  z.strictObject({ type: z.literal("line"), text: z.string(), columns: z.number().int().min(1).max(1000).optional() }),
  /** Ctrl+C: cancels what runs (a statement, a \watch); at the prompt, empties the query buffer. */
  z.strictObject({ type: z.literal("cancel") }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
